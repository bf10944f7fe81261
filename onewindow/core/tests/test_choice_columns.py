"""Every stored choice fits its column: adding a longer enum value fails here, not as a database error at the
first write (PostgreSQL refuses a value longer than the column; SQLite would store it silently)."""

from django.apps import apps
from django.db import models


def test_every_choice_value_fits_its_column():
    too_long = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and field.choices and field.max_length:
                values = [value for value, _label in field.flatchoices if isinstance(value, str)]
                too_long += [
                    f"{model._meta.label}.{field.name}={v!r}" for v in values if len(v) > field.max_length
                ]
    assert too_long == []
