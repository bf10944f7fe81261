"""Which case events the platform hears about, in the exchange layout (standards.md §1).

`case_event_record` runs inside the transaction of every case action (`receivers.py`, on the case engine's
`case_acted` signal), so a committed action always has its outbox rows and a rolled-back one has none.
"""

from onewindow.cases.actions import CaseEvent

from .models import OutboxRow, PlatformProfile
from .services import outbox_enqueue
from .subscriptions import callback_profiles

# Case events (`cases.actions.CaseEvent`, audited as "case.<event>") that the platform hears about.
ACCEPTING_EVENTS = {CaseEvent.ACCEPTED, CaseEvent.ACCEPTED_WITH_DEFICIENCY}
SPECIAL_START_EVENTS = {CaseEvent.SUSPENDED, CaseEvent.EXTENDED}


def _iso(value):
    return value.isoformat() if value else None


def _base(case) -> dict:
    version = case.item_version
    return {
        "project_no": case.case_no,
        "task_code": case.item.code,
        "catalog_code": case.item.basic_code,
        "task_handle_item": version.handle_item_code,
        "task_name": version.name,
        "task_version": version.number,
        "org_code": version.implementing_body_code,
        "org_name": version.implementing_body,
    }


# GB 32100 positions 1-2 (registration authority, institution category) → the 服务对象 kind of an organisation.
ORGANISATION_TYPES = {"9": "enterprise", "5": "social_organisation", "11": "government", "12": "public_institution"}


def applicant_type(case) -> str:
    """person / enterprise / social organisation / public institution / government body / other."""
    if case.applicant_kind == "person":
        return "person"
    code = case.id_number if case.id_type == "uscc" else ""
    return ORGANISATION_TYPES.get(code[:1]) or ORGANISATION_TYPES.get(code[:2]) or "other_organisation"


def acceptance_row(case, actor) -> dict:
    version = case.item_version
    acceptance = case.documents.filter(kind__in=["acceptance", "deficiency"]).order_by("-id").first()
    return {
        **_base(case),
        "item_type": version.item_type,
        "case_type": version.case_type,
        "apply_channel": case.channel,
        "applyer_type": applicant_type(case),
        "applyer_name": case.applicant_name,
        "applyer_page_type": case.id_type,
        "applyer_page_code": case.id_number,
        "contact_name": case.contact_name,
        "contact_mobile": case.contact_mobile,
        "legal_man": case.legal_representative,
        "apply_date": _iso(case.submitted_at),
        "accept_date": _iso(case.accepted_at),
        "accept_doc_no": acceptance.number if acceptance else "",
        "promise_date": _iso(case.promised_due),
        "handle_user_name": str(actor),
    }


def process_row(case, step) -> dict:
    return {
        **_base(case),
        "event_name": step.name,
        "process_name": step.code,
        "handle_action": step.action,
        "handle_user_name": step.handler_name,
        "handle_explain": step.opinion,
        "handle_org_name": step.unit,
        "event_start_time": _iso(step.started_at),
        "event_end_time": _iso(step.ended_at),
    }


def special_row(case, event: CaseEvent, step) -> dict:
    if event == CaseEvent.EXTENDED:
        return {**_base(case), "special_type": "extension", "special_reason": step.opinion if step else "",
                "special_start_time": _iso(step.started_at if step else None),
                "extension_days": case.extension_days}
    pause = case.pauses.order_by("-id").first()
    return {**_base(case), "special_type": pause.kind, "special_reason": pause.reason,
            "special_start_time": _iso(pause.started_on), "special_end_time": _iso(pause.ended_on),
            "special_result": pause.result}


def completion_row(case) -> dict:
    certificates = case.result_certificates or []
    return {
        **_base(case),
        "result_type": case.result_kind,
        "result_date": _iso(case.completed_at),
        "result_explain": case.result_note or case.decision_reason,
        "result_cetr_name": case.item_version.result_name if certificates else "",
        "result_cetr_no": ",".join(c.get("number", "") for c in certificates),
        "is_delivery_results": case.delivery == "post",
        "is_charge": case.item_version.charges_fee,
    }


def status_row(case, event: str, from_state: str) -> dict:
    return {"project_no": case.case_no, "event": event, "from_state": from_state, "state": case.state,
            "result_type": case.result_kind or None, "promise_date": _iso(case.promised_due)}


def case_event_record(*, case, event: CaseEvent, from_state: str, step, actor) -> None:
    """Queue what `event` (just applied to `case` in this transaction, with its handling `step` if it
    made one) must report: to subscribed callbacks, and to every active reporting platform."""
    Kind = OutboxRow.Kind
    subscribers = callback_profiles(case.case_no)
    if subscribers:
        outbox_enqueue(kind=Kind.STATUS, case_no=case.case_no, payload=status_row(case, event, from_state),
                       profiles=subscribers)
    if not PlatformProfile.objects.filter(active=True, purpose=PlatformProfile.Purpose.REPORT).exists():
        return
    if event in ACCEPTING_EVENTS:
        outbox_enqueue(kind=Kind.ACCEPTANCE, case_no=case.case_no, payload=acceptance_row(case, actor))
    if step is not None:
        outbox_enqueue(kind=Kind.PROCESS, case_no=case.case_no, payload=process_row(case, step))
    if event in SPECIAL_START_EVENTS:
        outbox_enqueue(kind=Kind.SPECIAL, case_no=case.case_no, payload=special_row(case, event, step))
    elif event == CaseEvent.RESUMED:
        outbox_enqueue(kind=Kind.SPECIAL, case_no=case.case_no, payload=special_row(case, event, step),
                       operation=OutboxRow.Operation.UPDATE)
    if case.state == "completed":
        outbox_enqueue(kind=Kind.COMPLETION, case_no=case.case_no, payload=completion_row(case))
