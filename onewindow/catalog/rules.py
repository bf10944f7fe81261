"""Guide-quality rules checked before a version is published (standards.md §1).

Each rule takes a `Content` and returns a message when the guide breaks it, or None.
"""

import re
from collections import Counter

from django.utils.translation import gettext as _

from .content import Content
from .models import CaseType, FlowStep, ItemType, LimitUnit, ResultType, Route

WINDOW_NUMBER = re.compile(r"[A-Za-z]?\d+\s*号")


def rule_case_type_matches_limit(c: Content):
    on_the_spot = c.version.promised_limit_unit == LimitUnit.ON_THE_SPOT
    expected = CaseType.IMMEDIATE if on_the_spot else CaseType.COMMITTED
    if c.version.case_type != expected:
        return _("The case type must be immediate (即办件) exactly when the promised limit is on the spot "
                 "(即办); otherwise it is a committed case (承诺件).")


def rule_certificate_result_type(c: Content):
    if c.version.result_name.endswith(("证", "证书")) and c.version.result_type != ResultType.CERTIFICATE:
        return _("A result named …证 or …证书 must have the result type certificate (出证).")


def rule_certificate_needs_sample(c: Content):
    if c.version.result_type == ResultType.CERTIFICATE and not c.version.result_sample.strip():
        return _("A certificate result needs a result sample.")


def rule_visits_need_reason(c: Content):
    if c.version.visits_required > 0 and not c.version.visits_reason.strip():
        return _("Visits to the hall are required, so the reason for the visits must be stated.")


def rule_no_visit_offline_needs_delivery(c: Content):
    if c.version.visits_required == 0 and not c.version.online and not c.version.supports_delivery:
        return _("With no visits and no online handling, applications by post must be accepted.")


def rule_phones(c: Content):
    consult, complaint = c.version.consult_phone.strip(), c.version.complaint_phone.strip()
    if not consult or not complaint:
        return _("Both the enquiry phone and the complaint phone must be given.")
    if consult == complaint:
        return _("The complaint phone must differ from the enquiry phone.")


def rule_hours_mention_working_days(c: Content):
    if "工作日" not in c.version.hours:
        return _("The hours must mention working days (工作日).")


def rule_address_to_window(c: Content):
    if "窗口" not in c.version.address and not WINDOW_NUMBER.search(c.version.address):
        return _("The address must be precise to the window (mention 窗口 or a window number).")


def rule_licence_has_faq(c: Content):
    if c.version.item_type == ItemType.LICENCE and not c.faqs:
        return _("A licence item needs at least one FAQ.")


def rule_steps_within_promise(c: Content):
    total = sum(step.time_limit or 0 for step in c.steps)
    unit = c.version.promised_limit_unit
    if unit == LimitUnit.ON_THE_SPOT and total > 0:
        return _("The promised limit is on the spot, so the flow steps cannot take any days (they add up to "
                 "%(total)s).") % {"total": total}
    if unit == LimitUnit.WORKING_DAYS and total > c.version.promised_limit:
        return _("The flow steps add up to %(total)s working days, more than the promised %(limit)s.") % {
            "total": total, "limit": c.version.promised_limit}


def rule_no_fee_no_payment(c: Content):
    if not c.version.charges_fee and c.version.supports_online_payment:
        return _("The item charges no fee, so online payment must be off.")


def rule_promise_within_statute(c: Content):
    v = c.version
    if v.promised_limit_unit == LimitUnit.ON_THE_SPOT:
        return None
    if v.statutory_limit_unit == LimitUnit.ON_THE_SPOT or v.promised_limit > v.statutory_limit:
        # Across day units the count is compared as is: a promise of N working days never ends sooner
        # than N calendar days, so this is the weakest check that is always right.
        return _("The promised limit (%(promised)s) must not exceed the statutory limit (%(statutory)s).") % {
            "promised": f"{v.promised_limit} {v.get_promised_limit_unit_display()}",
            "statutory": f"{v.statutory_limit} {v.get_statutory_limit_unit_display()}"}


def rule_has_material(c: Content):
    if not c.materials:
        return _("The guide must list at least one material.")


def rule_material_keys_unique(c: Content):
    duplicates = sorted(k for k, n in Counter(m.key for m in c.materials).items() if n > 1)
    if duplicates:
        return _("Material keys must be unique; repeated: %(keys)s.") % {"keys": ", ".join(duplicates)}


def rule_back_office_steps(c: Content):
    kinds = {step.kind for step in c.steps}
    if c.version.route == Route.BACK_OFFICE and not {FlowStep.Kind.REVIEW, FlowStep.Kind.FORWARD} <= kinds:
        return _("A back-office item's flow must include a preliminary review step and a forward step.")
    if c.version.route == Route.BACK_OFFICE and c.version.sign_off_required != (FlowStep.Kind.SIGN_OFF in kinds):
        # The chain the case follows and the chain the guide shows (with its days) must be the same.
        return _("The flow has a sign-off step exactly when the item requires the review opinion to be signed off.")


# 行政许可法 Art. 42: 10 days, or 15 when a joint handling of 45 days cannot finish.
MAX_EXTENSION = 15
OTHER_PAUSES = ("public_notice", "site_check", "suspension")  # Art. 45's own grounds need no provision


def rule_legal_settings(c: Content):
    v = c.version
    if not 1 <= (v.deficiency_max_days or 0) <= 60:
        return _("The supplement maximum for missing materials must be 1 to 60 working days.")
    if (v.extension_max_days or 0) > MAX_EXTENSION:
        return _("Art. 42 allows an extension of at most 15 days (joint handling).")
    if (v.extension_max_days or 0) > 10 and not v.extension_basis.strip():
        return _("An extension beyond 10 days needs its legal basis.")
    provisions = v.pause_provisions
    if not isinstance(provisions, dict) or any(
            kind not in OTHER_PAUSES or not str(text).strip() for kind, text in provisions.items()):
        return _("Other pauses are named as public_notice, site_check or suspension, each with its provision.")


RULES = [
    rule_legal_settings, rule_case_type_matches_limit, rule_certificate_result_type, rule_certificate_needs_sample,
    rule_visits_need_reason, rule_no_visit_offline_needs_delivery, rule_phones, rule_hours_mention_working_days,
    rule_address_to_window, rule_licence_has_faq, rule_steps_within_promise, rule_no_fee_no_payment,
    rule_promise_within_statute, rule_has_material, rule_material_keys_unique, rule_back_office_steps,
]


def guide_violations(content: Content) -> list[str]:
    """Every rule the guide breaks, as Chinese messages (in the active language)."""
    return [str(message) for rule in RULES if (message := rule(content))]
