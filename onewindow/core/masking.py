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
