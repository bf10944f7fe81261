"""What the demo wrote, as the database holds it, to check it is stamped on the demo's own days."""

from django.apps import apps
from django.db import models


def stamps() -> set[tuple[str, object]]:
    """Every datetime in the database as ("app.Model.field", value), except `auto_now` columns (the moment
    a row was last written, not a moment of the story)."""
    found = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField) and not f.auto_now
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            found.update(
                (f"{model._meta.label}.{name}", value)
                for name, value in zip(fields, row, strict=True)
                if value is not None
            )
    return found
