import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.registry.identifiers import (
    USCC_ALPHABET,
    check_id_number,
    check_uscc,
    org_code_check_char,
    uscc_check_char,
)

# Real, published codes: Hunan provincial departments (湖南省民政厅, 人社厅, 财政厅, 公安厅), a social
# organisation registered by 湖南省民政厅, and well-known companies (Tencent, Huawei, Alibaba, Sinopec).
REAL_CODES = [
    "11430000006122340X",
    "11430000006122375G",
    "11430000006122439E",
    "114300000061223248",
    "51430000MJJ509249B",
    "91440300708461136T",
    "914403001922038216",
    "91330100716105852F",
    "91110000802100433B",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass(code):
    result = check_uscc(code)
    assert result.ok, result.message
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


def test_lower_case_and_spaces_are_normalised():
    assert check_uscc(" 91440300708461136t ").ok


def test_wrong_final_check_names_position_18():
    result = check_uscc("91440300708461136A")
    assert not result.ok and result.position == 18
    assert "第18位" in result.message and "T" in result.message


def test_wrong_organisation_code_check_names_position_17():
    # The code in the project's default settings fails both checks: it is not a real code.
    result = check_uscc("11430000006143059N")
    assert not result.ok and result.position == 17
    assert "第17位" in result.message


def test_forbidden_letter_and_length():
    result = check_uscc("9144030070846113IT")
    assert (result.ok, result.position) == (False, 17)
    assert "I" in result.message
    result = check_uscc("9144030070846")
    assert not result.ok and "18" in result.message


def test_organisation_code_check_maps_10_to_x_and_11_to_0():
    assert org_code_check_char("MA1FL1MM") == "X"  # from 91310000MA1FL1MMXL (Shanghai)
    assert org_code_check_char("00000000") == "0"


@given(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8), st.sampled_from("123"))
def test_generated_codes_round_trip(first8, kind):
    first17 = f"5{kind}430000{first8}{org_code_check_char(first8)}"
    code = first17 + uscc_check_char(first17)
    assert check_uscc(code).ok
    wrong = code[:17] + next(c for c in USCC_ALPHABET if c != code[17])
    assert check_uscc(wrong).position == 18


# GB 11643-1999's own example (11010519491231002X) and widely published test vectors.
@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "440524188001010014",
                                    "430102199003076545"])
def test_real_id_numbers_pass(number):
    assert check_id_number(number).ok


def test_id_number_errors_name_the_position():
    assert check_id_number("110105194912310021").position == 18
    assert "第18位" in check_id_number("110105194912310021").message
    assert check_id_number("11010519490231002X").position == 7  # 31 February
    assert check_id_number("1101051949123100AX").position == 17
    assert check_id_number("010105194912310021").position == 1
    assert check_id_number("910105194912310021").position == 1
    future = check_id_number("110105209912310021", today=datetime.date(2026, 1, 1))
    assert future.position == 7
    assert not check_id_number("1101051949").ok
