"""Adding a member to an enum the platform exchange sends fails here until every shipped profile has its
code, in the code lists and in the database (a missing mapping parks the outbox rows in production)."""

import pytest

from onewindow.cases.models import CaseStep, IdType, ResultKind
from onewindow.catalog import codes
from onewindow.catalog.models import CaseType, Channel, ExerciseLevel, ItemType, ServiceObject
from onewindow.exchange.codelists import PROFILES
from onewindow.exchange.models import CodeMapping, PlatformProfile
from onewindow.ratings.models import Level, RatingChannel

EXPORTED = {
    "item_type": ItemType, "case_type": CaseType, "apply_channel": Channel, "applyer_page_type": IdType,
    "result_type": ResultKind, "satisfaction": Level, "rating_channel": RatingChannel,
    "handle_action": CaseStep.Action,
}


@pytest.mark.parametrize("field", sorted(EXPORTED))
def test_every_exported_meaning_has_a_code_in_every_shipped_profile(field):
    for name, (_title, lists) in PROFILES.items():
        missing = {member.value for member in EXPORTED[field]} - set(lists[field])
        assert not missing, (name, field, missing)


@pytest.mark.django_db
def test_every_exported_meaning_has_its_code_row_in_the_database():
    for profile in PlatformProfile.objects.filter(name__in=PROFILES):
        stored = set(CodeMapping.objects.filter(profile=profile).values_list("field", "meaning"))
        missing = {(field, member.value) for field, enum in EXPORTED.items() for member in enum} - stored
        assert not missing, (profile.name, missing)


@pytest.mark.parametrize(("mapping", "enum"), [(codes.ITEM_TYPE, ItemType), (codes.EXERCISE_LEVEL, ExerciseLevel),
                                               (codes.SERVICE_OBJECT, ServiceObject), (codes.CHANNEL, Channel),
                                               (codes.CASE_TYPE, CaseType)])
def test_every_catalog_enum_member_has_its_gbt_39046_code(mapping, enum):
    """GB/T 39046-2020 Annex A: each catalog code list covers every member of its enum, one code each."""
    assert set(mapping) == set(enum)
    assert len(set(mapping.values())) == len(mapping)


def test_every_shipped_code_fits_the_mapping_table():
    """A longer field name, meaning or code fails here, not in the data migration that loads it."""
    lengths = {name: CodeMapping._meta.get_field(name).max_length for name in ("field", "meaning", "code")}
    too_long = [(profile, field, meaning, code) for profile, (_title, lists) in PROFILES.items()
                for field, codes_ in lists.items() for meaning, code in codes_.items()
                if len(field) > lengths["field"] or len(meaning) > lengths["meaning"] or len(code) > lengths["code"]]
    assert too_long == []
