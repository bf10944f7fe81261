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


def _with_checks(first16: str) -> str:
    """A code whose two check characters are right, so that only its structure can be wrong."""
    first17 = first16 + org_code_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize(("first16", "position", "words"), [
    ("Z1430000MJJ50924", 1, "登记管理部门"),  # Z is no registration authority (and not in the alphabet)
    ("B1430000MJJ50924", 1, "登记管理部门"),  # B: in the alphabet, but no authority of GB 32100
    ("54430000MJJ50924", 2, "机构类别"),  # 民政 has categories 1, 2, 3, 9 only
    ("94430000MJJ50924", 2, "机构类别"),  # 工商 has 1, 2, 3
    ("Y2430000MJJ50924", 2, "机构类别"),  # 其他 is always 1
    ("51439900MJJ50924", 3, "GB/T 2260"),  # no such division
])
def test_gb32100_structure(first16, position, words):
    """GB 32100-2015 §4: position 1 is a registration-authority code, position 2 one of that authority's
    institution categories, positions 3-8 an administrative division code of GB/T 2260 — checked as
    well as both check characters, each with its own message."""
    from django.utils import translation

    with translation.override("zh-hans"):
        result = check_uscc(first16 if len(first16) == 18 else _with_checks(first16)
                            if first16[0] in USCC_ALPHABET else first16 + "00")
    assert not result.ok and result.position == position
    if first16[0] in USCC_ALPHABET:
        assert words in result.message, result.message


@pytest.mark.parametrize("first16", ["51430000MJJ50924", "Y1430000MJJ50924", "N2430102MJJ50924",
                                     "12100000MJJ50924", "93430104MJJ50924"])
def test_gb32100_structure_accepts_lawful_codes(first16):
    """民政 5 + 1/2/3/9, 其他 Y + 1, 农业 N, national 100000 and a district (430104 岳麓区) are all lawful."""
    assert check_uscc(_with_checks(first16)).ok


@pytest.mark.django_db
def test_validate_command_refuses_an_unknown_area_code(capsys):
    """`onewindow validate uscc` checks the GB/T 2260 area code (GB 32100-2015 positions 3-8)."""
    from django.core.management import call_command

    with pytest.raises(SystemExit):
        call_command("validate", "uscc", _with_checks("51439900MJJ50924"))
    assert "439900" in capsys.readouterr().out
