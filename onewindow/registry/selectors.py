"""Reads of the register."""

import datetime

from django.db.models import Q, QuerySet

from onewindow.audit.services import field_changes
from onewindow.core.errors import ValidationFailed

from .models import Organisation, OrganisationVersion
from .validation import clean_items, item_label

PUBLIC_FIELDS = ("name", "credit_code", "kind", "status", "registration_authority", "established_on")


def organisation_find(code_or_name: str) -> Organisation | None:
    """The organisation with this credit code (any case) or exactly this name (registered first)."""
    value = (code_or_name or "").strip()
    if not value:
        return None
    by_code = Organisation.objects.filter(credit_code=value.upper()).first()
    if by_code is not None:
        return by_code
    # A registered organisation before a closed one of the same name, then the newest.
    matches = list(Organisation.objects.filter(name=value).order_by("-id")[:20])
    matches.sort(key=lambda o: o.status != Organisation.Status.REGISTERED)
    return matches[0] if matches else None


def organisation_search(q: str, *, limit: int = 50) -> QuerySet[Organisation]:
    """Public search by name fragment or credit code; only the public fields are loaded."""
    q = (q or "").strip()
    qs = Organisation.objects.only(*PUBLIC_FIELDS).order_by("name", "id")
    if not q:
        return qs.none()
    return qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))[:limit]


def organisation_version_as_of(organisation: Organisation, on: datetime.date) -> OrganisationVersion | None:
    """The version in force on date `on` (valid_from ≤ on < valid_to), None before establishment."""
    return (organisation.versions.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .order_by("-number").first())


def organisation_as_of(organisation: Organisation, on: datetime.date) -> dict | None:
    """What the register said about the organisation on date `on` (the version's data)."""
    version = organisation_version_as_of(organisation, on)
    return None if version is None else version.data


def organisation_history(organisation: Organisation) -> QuerySet[OrganisationVersion]:
    return organisation.versions.select_related("actor").order_by("-number")


def change_preview(organisation: Organisation | None, kind: str, data: dict) -> list[tuple[str, str, str]]:
    """What granting an application would write to the register: (item label, current value, applied
    value) for each registered item the application fills in and changes; the current value is "" for a
    new organisation. Empty when the data do not validate (the decision then shows the error)."""
    kind = organisation.kind if organisation is not None else kind
    try:
        applied = clean_items(kind=kind, data=data or {}, required=False)
    except ValidationFailed:
        return []
    current = organisation.registered_items() if organisation is not None else {}
    applied = {key: None if value is None else str(value) for key, value in applied.items()}
    changes = field_changes({key: current.get(key) for key in applied}, applied)
    return [(str(item_label(key, kind)), before or "", after) for key, (before, after) in changes.items()]
