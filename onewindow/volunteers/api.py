"""Volunteer service in the API, mounted at /api/v1/volunteers: the public list of activities to join,
a volunteer's own record (their token), and public verification of a 志愿服务记录证明."""

import datetime

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from ninja import Router, Schema

from onewindow.accounts.auth import TokenAuth
from onewindow.core.errors import NotFound, PermissionDenied
from onewindow.core.masking import mask_id_number
from onewindow.core.ratelimit import check_rate

from . import selectors

router = Router(tags=["volunteers"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    team: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    address: str
    needed: int
    taken: int
    requirements: str
    contact: str


class ParticipationOut(Schema):
    activity_id: int
    activity: str
    team: str
    starts_at: datetime.datetime
    status: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    hours: str | None


class CertificateRef(Schema):
    number: str
    token: str
    team: str
    total_hours: str
    issued_on: datetime.date


class VolunteerRecordOut(Schema):
    name: str
    id_number: str
    skills: str
    confirmed_hours: str
    participations: list[ParticipationOut]
    certificates: list[CertificateRef]


class PersonOut(Schema):
    name: str
    id_type: str
    id_number: str


class VolunteerVerificationOut(Schema):
    status: str
    title: str
    number: str
    volunteer: PersonOut
    team: str
    issuer: str
    issued_on: str
    total_hours: str
    records: list[list[str]]
    fee: str


@router.get("/activities", response=list[ActivityOut], auth=None, summary="Activities open to join (public)")
def activities(request):
    """Anyone: published activities that have not ended, soonest first (at most 50)."""
    return [ActivityOut(id=a.pk, title=a.title, kind=a.kind, kind_label=a.get_kind_display(), team=a.team.name,
                        starts_at=a.starts_at, ends_at=a.ends_at, place=a.place, address=a.address, needed=a.needed,
                        taken=a.taken, requirements=a.requirements, contact=a.contact)
            for a in selectors.upcoming_activities()[:selectors.PUBLIC_LIST_LIMIT]]


@router.get("/me", response=VolunteerRecordOut, auth=TokenAuth(), summary="The volunteer's own record")
def my_record(request):
    """A registered volunteer (their own token): activities, hours and certificates; nobody else's."""
    volunteer = selectors.volunteer_of(request.auth)
    if volunteer is None:
        raise PermissionDenied(_("This account is not a registered volunteer."), code="not_volunteer")
    participations = list(selectors.own_participations(volunteer))
    confirmed = sum((p.hours for p in participations if p.status == "confirmed"), start=0)
    return VolunteerRecordOut(
        name=volunteer.user.full_name, id_number=mask_id_number(volunteer.user.id_number), skills=volunteer.skills,
        confirmed_hours=f"{confirmed:.1f}",
        participations=[ParticipationOut(
            activity_id=p.activity_id, activity=p.activity.title, team=p.activity.team.name, starts_at=p.starts_at,
            status=p.status, checked_in_at=p.checked_in_at, checked_out_at=p.checked_out_at,
            hours=None if p.hours is None else str(p.hours)) for p in participations],
        certificates=[CertificateRef(number=c.number, token=c.token, team=c.team.name, total_hours=str(c.total_hours),
                                     issued_on=c.issued_on) for c in selectors.own_certificates(volunteer)])


def verification(token: str) -> VolunteerVerificationOut | None:
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        return None
    p = certificate.printed
    return VolunteerVerificationOut(status="valid", title=p["title"], number=p["number"], volunteer=PersonOut(**p["volunteer"]),
                           team=p["team"], issuer=p["issuer"], issued_on=p["issued_on"], total_hours=p["total_hours"],
                           records=p["records"], fee=p["fee"])


@router.get("/verify/{token}", response=VolunteerVerificationOut, auth=None,
            summary="Verify a volunteer service record certificate (public)")
def verify(request, token: str):
    """Anyone (rate-limited): the printed data of a 志愿服务记录证明; /api/v1/verify/{token} answers the same."""
    check_rate(request, "verify")
    found = verification(token)
    if found is None:
        raise NotFound(pgettext_lazy("volunteers", "No certificate matches this code."), code="certificate_not_found")
    return found


def verify_response(token: str) -> JsonResponse | None:
    """For /api/v1/verify/{token}, which 志愿服务记录证明 share with licences: the JSON of a volunteer
    certificate, or None when the token is not one."""
    found = verification(token)
    return None if found is None else JsonResponse(found.model_dump(mode="json"), json_dumps_params={"ensure_ascii": False})
