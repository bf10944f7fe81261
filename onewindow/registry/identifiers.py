"""Check characters of Chinese identifiers: pure functions, no database.

- 统一社会信用代码 (GB 32100-2015), including the organisation code's own check (GB 11714) at position 17.
- 公民身份号码 (GB 11643-1999).

Messages are Chinese (through i18n) and name the faulty position, counted from 1 as people count.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str
    position: int | None = None  # 1-based position of the first faulty character


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_code_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    raise ValueError(f"not an organisation-code character: {ch!r}")


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for an 8-character organisation code body."""
    if len(first8) != 8:
        raise ValueError("need exactly 8 characters")
    total = sum(_org_code_value(ch) * weight for ch, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_uscc(code: str) -> CheckResult:
    """Validate a 统一社会信用代码: length, alphabet, the organisation-code check and the final check."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return CheckResult(False, _("A unified social credit code has 18 characters; this one has %(n)d.")
                           % {"n": len(code)})
    for index, ch in enumerate(code, start=1):
        if ch not in USCC_ALPHABET:
            return CheckResult(False, _("Position %(pos)d: the character “%(ch)s” is not allowed "
                                        "(digits and capital letters except I, O, Z, S, V).")
                               % {"pos": index, "ch": ch}, index)
    if not code[2:8].isdigit():
        position = next(i for i, ch in enumerate(code[2:8], start=3) if not ch.isdigit())
        return CheckResult(False, _("Position %(pos)d: the area code (positions 3-8) must be digits.")
                           % {"pos": position}, position)
    expected = org_code_check_char(code[8:16])
    if code[16] != expected:
        return CheckResult(False, _("Position 17: the organisation code check character should be %(expected)s, "
                                    "not %(found)s.") % {"expected": expected, "found": code[16]}, 17)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return CheckResult(False, _("Position 18: the check character should be %(expected)s, not %(found)s.")
                           % {"expected": expected, "found": code[17]}, 18)
    return CheckResult(True, _("The unified social credit code is valid."))


def id_number_check_char(first17: str) -> str:
    total = sum(int(ch) * weight for ch, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_id_number(number: str, *, today: datetime.date | None = None) -> CheckResult:
    """Validate an 18-digit 公民身份号码: digits, a real birth date not in the future, the check character."""
    number = (number or "").strip().upper()
    if len(number) != 18:
        return CheckResult(False, _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)})
    for index, ch in enumerate(number[:17], start=1):
        if not ch.isdigit():
            return CheckResult(False, _("Position %(pos)d: must be a digit, not “%(ch)s”.")
                               % {"pos": index, "ch": ch}, index)
    if number[0] not in "12345678":  # province codes run from 11 to 82
        return CheckResult(False, _("Position 1: an area code starts with 1 to 8."), 1)
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    today = today or datetime.date.today()
    if born is None or born > today or born.year < 1800:
        return CheckResult(False, _("Positions 7-14: “%(date)s” is not a valid date of birth.")
                           % {"date": number[6:14]}, 7)
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        return CheckResult(False, _("Position 18: the check character should be %(expected)s, not %(found)s.")
                           % {"expected": expected, "found": number[17]}, 18)
    return CheckResult(True, _("The ID number is valid."))
