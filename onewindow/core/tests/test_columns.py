"""Issue 16, "No 500 for bad input": over-long strings and integers beyond the column are refused with the field
named, on SQLite (which would store them) and PostgreSQL (which would raise a DataError naming nothing) alike."""

import pytest

from onewindow.core.errors import ValidationFailed
from onewindow.core.models import Sequence

pytestmark = pytest.mark.django_db


def test_an_over_long_text_is_refused_naming_the_field():
    limit = Sequence._meta.get_field("name").max_length
    with pytest.raises(ValidationFailed) as refused:
        Sequence.objects.create(name="x" * (limit + 1))
    assert refused.value.code == "value_out_of_range" and refused.value.details == {"name": "too_long"}
    assert not Sequence.objects.filter(name__startswith="xxx").exists()
    Sequence.objects.create(name="x" * limit)  # the limit itself fits


def test_an_integer_beyond_the_column_is_refused_naming_the_field():
    field = next(f for f in Sequence._meta.concrete_fields if f.get_internal_type().endswith("IntegerField"))
    with pytest.raises(ValidationFailed) as refused:
        Sequence.objects.create(name="n", **{field.name: 2**63})
    assert refused.value.details == {field.name: "out_of_range"}
