"""Notify the applicant at each step of their case (site inbox + SMS), after the case action commits."""

import logging

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import override

from onewindow.cases.actions import CaseEvent
from onewindow.cases.models import Delivery, Outcome
from onewindow.cases.signals import case_transitioned

from .services import notification_send

logger = logging.getLogger(__name__)


def _text(case, action: CaseEvent) -> str | None:
    """The message for the event a case action emitted, or None when the applicant need not be told."""
    values = {"no": case.case_no, "item": case.item_version.name}
    if action == CaseEvent.SUBMITTED:
        return _("Application %(no)s (%(item)s) received; we will check it and tell you.") % values
    if action in (CaseEvent.ACCEPTED, CaseEvent.ACCEPTED_WITH_DEFICIENCY):
        return _("Application %(no)s (%(item)s) has been accepted.") % values
    if action == CaseEvent.CORRECTION_REQUESTED:
        return _("Application %(no)s needs corrections: sign in and upload the listed materials.") % values
    if action == CaseEvent.RESUBMITTED:
        return _("Corrections to %(no)s received.") % values
    if action in (CaseEvent.DECIDED, CaseEvent.EXTERNAL_DECISION_RECORDED):
        if case.outcome == Outcome.GRANT:
            choice = getattr(case, "portal_delivery", None)
            if choice is not None and choice.method == "post":
                return _("Application %(no)s has been granted; the result will be posted to you.") % values
            return _("Application %(no)s has been granted; the result is ready to collect at the window.") % values
        return _("Application %(no)s has been decided: not granted. See the decision for the reasons.") % values
    if action == CaseEvent.ISSUED:
        if case.delivery == Delivery.POST:
            return _("The result of %(no)s has been posted, tracking number %(tracking)s.") % (
                values | {"tracking": case.tracking_no})
        return _("The result of %(no)s has been collected at the window.") % values
    if action == CaseEvent.REJECTED:
        return _("Application %(no)s was not accepted. See the notice for the reasons.") % values
    if action in (CaseEvent.WITHDRAWN, CaseEvent.TERMINATED):
        return _("Application %(no)s has been closed.") % values
    return None


@receiver(case_transitioned, dispatch_uid="portal.notify_applicant")
def on_case_transitioned(sender, case, action, from_state, to_state, **kwargs):
    if case.owner_id is None:
        return
    with override("zh-hans"):  # messages are read by the applicant, whatever the staff member's language
        text = _text(case, action)
    if not text:
        return
    try:
        notification_send(case=case, event=action, text=text)
    except Exception:  # the case action has committed; a failed notice must not turn it into an error page
        logger.exception("Notification for %s (%s) failed", case.case_no, action)
