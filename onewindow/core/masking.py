"""Masking personal identifiers for display (ID numbers, mobiles)."""


def mask_id_number(value: str | None) -> str:
    """430102199003076545 → 4301**********6545 (first 4 and last 4 shown)."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """13800001234 → 138****1234."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def is_personal_key(key: str) -> bool:
    """A form field holding an ID number or a mobile (e.g. the legal representative's), by its key: masked on
    screen and in the audit trail, never prefilled in a form."""
    return "id_number" in key or "mobile" in key


def mask_by_key(key: str, value: str) -> str:
    """`value` masked as what its form field's key says it holds (an ID number, a mobile, or neither)."""
    if "id_number" in key:
        return mask_id_number(value)
    return mask_mobile(value) if "mobile" in key else value
