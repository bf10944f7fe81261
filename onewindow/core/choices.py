"""The one way to show a stored choice: its label in the active language, or the value itself when the value
is not (or no longer) a member, so a page never fails on old data."""

from django.db.models import Choices


def choice_labels(enum: type[Choices]) -> dict[str, str]:
    """Value → label, translated once (for a page that shows many rows)."""
    return {value: str(label) for value, label in enum.choices}


def choice_label(enum: type[Choices], value) -> str:
    """The label of `value`, or `value` unchanged when it is not a member (or not a string)."""
    if isinstance(value, str) and value in enum.values:
        return str(enum(value).label)
    return value
