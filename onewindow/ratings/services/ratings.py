"""Ratings (好差评): the rating period, ratings by the applicant, the window pad or the QR code, and default
ratings when the period ends unrated."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.services import audit_log
from onewindow.cases.models import Case, CaseState, CaseStep, ResultKind
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.exchange.services import outbox_enqueue

from .. import conf
from ..models import (
    BAD_LEVELS,
    ON_SITE_INDICATORS,
    ONLINE_INDICATORS,
    Level,
    Rating,
    RatingChannel,
    RatingWindow,
)
from .base import rating_token_valid, ratings_changed_on_commit
from .rectifications import rectification_open

# Channels an applicant rates through here; phone and SMS ratings arrive from the platform.
APPLICANT_CHANNELS = (RatingChannel.PC, RatingChannel.MOBILE, RatingChannel.QR_CODE, RatingChannel.WINDOW_PAD)
ONLINE_CHANNELS = (RatingChannel.PC, RatingChannel.MOBILE)


def rating_window_open(*, case: Case) -> RatingWindow:
    """Open the rating period of a completed case (idempotent). Called when a case completes."""
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
        if locked is None or locked.state != CaseState.COMPLETED or locked.completed_at is None:
            raise Conflict(_("Only a completed case can be rated."), code="case_not_completed")
        if locked.result_kind == ResultKind.WITHDRAWN:
            raise Conflict(_("A withdrawn application is not rated."), code="case_withdrawn")
        window, created = RatingWindow.objects.get_or_create(case=locked, defaults={
            "opens_at": locked.completed_at,
            "closes_at": locked.completed_at + datetime.timedelta(days=conf.rating_period_days())})
        if created:
            audit_log(action="rating.window_opened", obj=locked, changes={"closes_at": window.closes_at})
    return window


def pad_case(window) -> Case | None:
    """The case just handled at `window`: the latest step by its staff within the pad period."""
    now = clock.now()
    step = (CaseStep.objects.filter(handler__window=window, ended_at__gte=now - datetime.timedelta(minutes=conf.pad_minutes()),
                                    ended_at__lte=now).select_related("case__item_version")
            .order_by("-ended_at", "-id").first())
    return step.case if step else None


def _check_scores(scores: dict | None, channel: str) -> dict:
    allowed = ON_SITE_INDICATORS if channel == RatingChannel.WINDOW_PAD else ONLINE_INDICATORS + ON_SITE_INDICATORS
    clean = {}
    for key, value in (scores or {}).items():
        if key not in allowed or not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValidationFailed(_("Indicator scores are whole numbers from 1 to 5 for the listed indicators."),
                                   code="bad_scores", details={"scores": key})
        clean[key] = value
    return clean


def _authorise_rater(case: Case, actor, channel: str, token: str) -> None:
    if channel in ONLINE_CHANNELS:
        if not (case.owner_id and getattr(actor, "pk", None) == case.owner_id):
            raise PermissionDenied(_("Only the applicant of this case can rate it."), code="not_applicant")
    elif channel == RatingChannel.QR_CODE:
        if not rating_token_valid(case, token):
            raise PermissionDenied(_("This rating link is not valid for this case."), code="bad_token")
    elif channel == RatingChannel.WINDOW_PAD:
        window = getattr(actor, "window", None) if getattr(actor, "is_staff_member", False) else None
        current = pad_case(window) if window else None
        if current is None or current.pk != case.pk:
            raise PermissionDenied(_("This pad can only rate the case just handled at its window."),
                                   code="not_pad_case")
    else:
        raise ValidationFailed(_("Ratings through this channel are not taken here."), code="bad_channel")


def _rating_payload(rating: Rating, case: Case) -> dict:
    return {
        "project_no": case.case_no, "satisfaction": rating.level, "rating_channel": rating.channel,
        "evaluate_time": rating.rated_at.isoformat(), "evaluate_text": rating.text,
        "anonymous": rating.anonymous, "evaluate_count": rating.attempt, "indicators": rating.scores,
        "evaluator": "" if rating.anonymous else rating.rater_name, "is_default": rating.channel == "default",
    }


def rating_submit(*, case: Case, actor, channel: str, level: str, scores: dict | None = None, text: str = "",
                  anonymous: bool = False, token: str = "") -> Rating:
    """Rate a case: online (owner account) and QR ratings once per case within the rating period after
    completion, pad ratings once per visit; a second rating replaces the first. A bad review opens a
    rectification in the same transaction."""
    if level not in Level.values:
        raise ValidationFailed(_("Choose one of the five levels."), code="bad_level", details={"level": "invalid"})
    if channel not in APPLICANT_CHANNELS:
        raise ValidationFailed(_("Ratings through this channel are not taken here."), code="bad_channel")
    scores = _check_scores(scores, channel)
    text = (text or "").strip()[:1000]
    with transaction.atomic():
        case = (Case.objects.select_for_update(of=("self",)).select_related("item_version", "owner")
                .filter(pk=case.pk).first())
        if case is None:
            raise NotFound(_("No such case."))
        _authorise_rater(case, actor, channel, token)
        now = clock.now()
        if channel == RatingChannel.WINDOW_PAD:
            visit = timezone.localdate(now).isoformat()
        else:
            visit = ""
            window = RatingWindow.objects.filter(case=case).first() or rating_window_open(case=case)
            if now > window.closes_at:
                raise Conflict(_("The rating period for this case ended on %(day)s.")
                               % {"day": timezone.localdate(window.closes_at)}, code="rating_closed")
        earlier = list(Rating.objects.select_for_update().filter(case=case, visit=visit).order_by("attempt"))
        if not earlier:
            attempt = 1
        elif len(earlier) == 1 and earlier[0].channel != RatingChannel.DEFAULT:
            attempt = 2
        else:
            raise Conflict(_("This case has already been rated."), code="already_rated")
        rater_name = "" if channel == RatingChannel.WINDOW_PAD else str(case.owner or case.applicant_name)
        rating = Rating.objects.create(case=case, visit=visit, attempt=attempt, level=level, channel=channel,
                                       scores=scores, text=text, anonymous=anonymous, rated_at=now,
                                       rated_on=timezone.localdate(now),
                                       rater=actor if channel in ONLINE_CHANNELS else None,
                                       rater_name=rater_name or case.applicant_name)
        if earlier:
            Rating.objects.filter(pk=earlier[0].pk).update(superseded=True)
        ratings_changed_on_commit({rating.rated_on, *(r.rated_on for r in earlier)})
        audit_log(action="rating.submitted", actor=actor if getattr(actor, "pk", None) else None, obj=rating,
                  changes={"case": case.case_no, "level": level, "channel": channel, "attempt": attempt,
                           "visit": visit})
        outbox_enqueue(kind="evaluation", case_no=case.case_no, payload=_rating_payload(rating, case))
        if level in BAD_LEVELS:
            rectification_open(rating, case)
    return rating


def rating_defaults_record(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Record the default rating for every case whose rating period has ended without a rating; settle
    the window either way. Safe to run concurrently (rows are locked and skipped). Returns defaults made."""
    now = now or clock.now()
    made = 0
    level = conf.default_level()
    while True:
        with transaction.atomic():
            days = set()
            windows = list(RatingWindow.objects.select_for_update(skip_locked=True, of=("self",))
                           .filter(settled=False, closes_at__lt=now).select_related("case")
                           .annotate(rated=Exists(Rating.objects.filter(case=OuterRef("case_id"))))[:batch])
            if not windows:
                return made
            for window in windows:
                if not window.rated:
                    rating = Rating.objects.create(case=window.case, level=level, channel=RatingChannel.DEFAULT,
                                                   rated_at=window.closes_at,
                                                   rated_on=timezone.localdate(window.closes_at), rater_name="")
                    days.add(rating.rated_on)
                    audit_log(action="rating.defaulted", obj=rating,
                              changes={"case": window.case.case_no, "level": level})
                    outbox_enqueue(kind="evaluation", case_no=window.case.case_no,
                                   payload=_rating_payload(rating, window.case))
                    made += 1
            RatingWindow.objects.filter(pk__in=[w.pk for w in windows]).update(settled=True)
            ratings_changed_on_commit(days)
