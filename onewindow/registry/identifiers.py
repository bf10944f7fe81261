"""Check characters of Chinese identifiers: pure functions, no database.

- 统一社会信用代码 (GB 32100-2015): its structure (registration authority, its institution categories, a
  GB/T 2260 area code) and both check characters (GB 11714 at position 17, GB 32100 at position 18).
- 公民身份号码 (GB 11643-1999).

Messages are Chinese (through i18n) and name the faulty position, counted from 1 as people count.
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

# GB 32100-2015 §4.2: registration-authority code (position 1) → its institution-category codes (position 2).
USCC_CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级、村级、乡镇级集体经济组织, 其他
    "Y": "1",  # 其他: not divided, always 1
}
NATIONAL_AREA = "100000"  # GB 32100: registration authorities at national level
AREA_CODES_FILE = Path(__file__).parent / "data" / "gbt2260.tsv"


@functools.cache
def area_codes() -> frozenset[str]:
    """The GB/T 2260 administrative division codes shipped in `data/gbt2260.tsv`."""
    with AREA_CODES_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.split("\t", 1)[0] for line in handle if line[:1].isdigit())


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
    if code[0] not in USCC_CATEGORIES:
        return CheckResult(False, _("Position 1: “%(ch)s” is not a registration-authority code of GB 32100 "
                                    "(1-9, A, N or Y).") % {"ch": code[0]}, 1)
    if code[1] not in USCC_CATEGORIES[code[0]]:
        return CheckResult(False, _("Position 2: registration authority %(authority)s has no institution "
                                    "category “%(ch)s” (allowed: %(allowed)s).")
                           % {"authority": code[0], "ch": code[1], "allowed": "、".join(USCC_CATEGORIES[code[0]])}, 2)
    if not code[2:8].isdigit():
        position = next(i for i, ch in enumerate(code[2:8], start=3) if not ch.isdigit())
        return CheckResult(False, _("Position %(pos)d: the area code (positions 3-8) must be digits.")
                           % {"pos": position}, position)
    if code[2:8] != NATIONAL_AREA and code[2:8] not in area_codes():
        return CheckResult(False, _("Positions 3-8: the area code %(area)s is not an administrative division "
                                    "code of GB/T 2260.") % {"area": code[2:8]}, 3)
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
