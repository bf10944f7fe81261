"""The one check of a mainland mobile number (手机号码), used by every form and service that takes one."""


def mobile_ok(value: str) -> bool:
    """Eleven digits starting with 1 (the mainland numbering plan's mobile ranges, 13x to 19x and the IoT and
    virtual-operator ranges, all start with 1; the network a prefix belongs to changes, so no finer rule)."""
    return isinstance(value, str) and len(value) == 11 and value.isdigit() and value.isascii() and value.startswith("1")
