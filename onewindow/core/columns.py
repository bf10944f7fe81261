"""Every row a OneWindow model saves fits its columns, checked before the database sees it.

SQLite stores an over-long string silently and PostgreSQL refuses it with a DataError that names no field, so
the same bad input was kept on one and a bare 422 on the other. Checked here once, for every save of every
model of the project's apps (bulk writes of the demo loader excepted): a text longer than the column or an
integer beyond it is refused as `ValidationFailed` with the field named, on both databases alike."""

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from .errors import ValidationFailed


def _errors(instance: models.Model) -> dict[str, str]:
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            errors[field.name] = "too_long"
        elif isinstance(field, models.IntegerField) and isinstance(value, int) and not isinstance(value, bool):
            # The portable ranges (PostgreSQL's): SQLite would take any 64-bit value into an IntegerField.
            low, high = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type(), (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                errors[field.name] = "out_of_range"
    return errors


def check_columns(sender, instance, raw=False, **kwargs):
    if raw or not sender.__module__.startswith("onewindow."):  # fixtures load what they were given
        return
    errors = _errors(instance)
    if errors:
        names = "、".join(str(instance._meta.get_field(name).verbose_name) for name in errors)
        raise ValidationFailed(_("Too long or out of range for what can be stored: %(fields)s.") % {"fields": names},
                               code="value_out_of_range", details=errors)


def connect() -> None:
    """Called from CoreConfig.ready for the models of the onewindow apps."""
    pre_save.connect(check_columns, dispatch_uid="onewindow.core.columns")
