"""Reads of volunteer service, each with the joins its page needs (no per-row queries)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import (
    Activity,
    ActivityPhoto,
    Membership,
    Participation,
    RecordCertificate,
    RecordEntry,
    Team,
    Volunteer,
)

PUBLIC_LIST_LIMIT = 50


def _taken():
    return Count("participations", filter=~Q(participations__status=Participation.Status.WITHDRAWN))


def upcoming_activities() -> QuerySet[Activity]:
    """Published activities that have not ended, soonest first, with the places taken."""
    return (Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__gt=timezone.now())
            .select_related("team").annotate(taken=_taken()).order_by("starts_at"))


def past_activities() -> QuerySet[Activity]:
    """Ended activities with their record and photos, newest first."""
    return (Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__lte=timezone.now())
            .select_related("team").prefetch_related(Prefetch("photos", ActivityPhoto.objects.order_by("id")))
            .order_by("-starts_at"))


def activity_public(pk: int) -> Activity | None:
    return (Activity.objects.filter(pk=pk, status=Activity.Status.PUBLISHED).select_related("team")
            .prefetch_related("photos").annotate(taken=_taken()).first())


def teams() -> QuerySet[Team]:
    return Team.objects.annotate(members=Count("memberships", filter=Q(memberships__status="approved")))


@dataclass(frozen=True)
class TotalRow:
    team: str
    month: datetime.date
    volunteers: int
    activities: int
    hours: Decimal


def totals_by_team_and_month(*, date_from: datetime.date | None = None,
                             date_to: datetime.date | None = None) -> list[TotalRow]:
    """Confirmed service per team and month: distinct volunteers, activities held (with confirmed hours)
    and hours. One grouped query."""
    rows = Participation.objects.filter(status=Participation.Status.CONFIRMED)
    if date_from:
        rows = rows.filter(starts_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(starts_at__date__lte=date_to)
    grouped = (rows.annotate(month=TruncMonth("starts_at")).values("activity__team__name", "month")
               .annotate(volunteers=Count("volunteer", distinct=True), activities=Count("activity", distinct=True),
                         hours=Sum("hours"))
               .order_by("-month", "activity__team__name"))
    return [TotalRow(team=r["activity__team__name"], month=_as_date(r["month"]), volunteers=r["volunteers"],
                     activities=r["activities"], hours=_tenths(r["hours"])) for r in grouped]


def _tenths(value) -> Decimal:
    """A summed DecimalField to one decimal (SQLite returns it with spurious digits)."""
    return Decimal(value or 0).quantize(Decimal("0.1"))


def _as_date(value) -> datetime.date:
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


# --- a volunteer's own record -------------------------------------------------------------------------------

def volunteer_of(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).select_related("user").first()


def own_participations(volunteer: Volunteer) -> QuerySet[Participation]:
    return (Participation.objects.filter(volunteer=volunteer).select_related("activity__team")
            .order_by("-starts_at"))


def own_memberships(volunteer: Volunteer) -> QuerySet[Membership]:
    return Membership.objects.filter(volunteer=volunteer).select_related("team").order_by("team__name")


def own_entries(volunteer: Volunteer) -> QuerySet[RecordEntry]:
    return RecordEntry.objects.filter(volunteer=volunteer).select_related("team")


def own_certificates(volunteer: Volunteer) -> QuerySet[RecordCertificate]:
    return RecordCertificate.objects.filter(volunteer=volunteer).select_related("team").order_by("-created_at")


def confirmed_hours_by_team(volunteer: Volunteer) -> list[dict]:
    """Per team: the confirmed hours, the basis of a certificate."""
    rows = list(Participation.objects.filter(volunteer=volunteer, status=Participation.Status.CONFIRMED)
                .values("activity__team_id", "activity__team__name")
                .annotate(hours=Sum("hours"), activities=Count("id")).order_by("activity__team__name"))
    for row in rows:
        row["hours"] = _tenths(row["hours"])
    return rows


# --- team managers -------------------------------------------------------------------------------------------

def managed_teams(user) -> QuerySet[Team]:
    return Team.objects.filter(managers=user).order_by("name")


def managed_activities(user) -> QuerySet[Activity]:
    return (Activity.objects.filter(team__managers=user).select_related("team").annotate(taken=_taken())
            .order_by("-starts_at"))


def pending_memberships(user) -> QuerySet[Membership]:
    return (Membership.objects.filter(team__managers=user, status=Membership.Status.PENDING)
            .select_related("team", "volunteer__user").order_by("requested_at"))


def team_members(user) -> QuerySet[Membership]:
    return (Membership.objects.filter(team__managers=user, status=Membership.Status.APPROVED)
            .select_related("team", "volunteer__user").order_by("team__name", "volunteer__user__full_name"))


def activity_roster(activity: Activity) -> QuerySet[Participation]:
    return (Participation.objects.filter(activity=activity).select_related("volunteer__user")
            .prefetch_related("corrections").order_by("signed_up_at", "id"))


def certificate_by_token(token: str) -> RecordCertificate | None:
    return RecordCertificate.objects.filter(token=token).first()
