"""Error codes are the API's contract: every code the documentation names, and the generic codes of
`core.errors`, is asserted by at least one test. Codes raised but not yet tested are listed in `UNTESTED`,
which may only shrink: a new code without a test fails here, and so does a listed code that gained one
(remove it from the list)."""

import re
from pathlib import Path

import onewindow
from onewindow.core import errors

ROOT = Path(onewindow.__file__).parent
DOCS = ROOT.parent / "docs"
RAISED = re.compile(r'\bcode="([a-z_0-9]+)"')

UNTESTED = frozenset(
    {
        "account_exists",
        "activity_closed",
        "already_applied",
        "already_charity",
        "already_checked_out",
        "already_confirmed",
        "already_decided",
        "already_excluded",
        "already_fundraising",
        "already_issued",
        "already_signed_up",
        "appeal_pending",
        "bad_action",
        "bad_assignee",
        "bad_character",
        "bad_checkin_code",
        "bad_code",
        "bad_collector_id",
        "bad_community",
        "bad_copies",
        "bad_date",
        "bad_delivery",
        "bad_evidence",
        "bad_format",
        "bad_hours",
        "bad_indicators",
        "bad_kind",
        "bad_level",
        "bad_material_mode",
        "bad_mobile",
        "bad_needed",
        "bad_number",
        "bad_outcome",
        "bad_pad_code",
        "bad_pause_kind",
        "bad_priority",
        "bad_purpose",
        "bad_satisfaction",
        "bad_span",
        "bad_stage",
        "bad_state",
        "bad_subject",
        "bad_team",
        "bad_thresholds",
        "bad_time",
        "bad_window",
        "binding_decided",
        "binding_not_reviewer",
        "bulk_bad_count",
        "bulk_bad_years",
        "bulk_missing_reference",
        "bulk_no_days",
        "case_not_completed",
        "case_not_found",
        "case_withdrawn",
        "catalog_update_invalid",
        "certificate_kind",
        "charter_required",
        "checkin_closed",
        "checkout_closed",
        "client_exists",
        "code_daily_limit",
        "collector_required",
        "complaint_not_found",
        "days_out_of_range",
        "document_not_found",
        "draft_exists",
        "evaluation_exists",
        "fields_required",
        "file_missing",
        "file_required",
        "guide_rules",
        "has_case",
        "import_failed",
        "import_file",
        "import_race",
        "import_rows",
        "incomplete",
        "item_exists",
        "item_not_published",
        "locked",
        "manager_not_staff",
        "materials_missing",
        "message_required",
        "name_taken",
        "no_business",
        "no_certificate",
        "no_change",
        "no_confirmed_hours",
        "no_current_ticket",
        "no_deficiency",
        "no_desk",
        "no_hall",
        "no_volunteer",
        "no_window",
        "not_a_platform_client",
        "not_assigned",
        "not_cancellable",
        "not_charity",
        "not_checked_out",
        "not_draft",
        "not_editable",
        "not_ended",
        "not_member",
        "not_online",
        "not_registered",
        "not_responsible_unit",
        "not_serving",
        "not_signed_up",
        "not_skipped",
        "not_staff",
        "not_standby",
        "not_submitter",
        "not_supervisor",
        "not_team_manager",
        "not_valid",
        "not_volunteer",
        "not_waiting",
        "not_withdrawable",
        "note_required",
        "note_too_long",
        "organisation_not_found",
        "override_exists",
        "override_missing",
        "override_needless",
        "passphrase_required",
        "passphrase_too_short",
        "passphrase_wrong",
        "profile_not_found",
        "programme_exists",
        "reason_too_long",
        "registered_items",
        "reply_required",
        "restore_target_not_empty",
        "scores_pending",
        "scores_submitted",
        "sequence_busy",
        "survey_answered",
        "survey_closed",
        "team_exists",
        "team_not_staff",
        "throttled",
        "too_long",
        "tracking_required",
        "unknown_slot",
        "unknown_user",
        "upload_empty",
        "upload_missing",
        "upload_not_image",
        "uscc_length",
        "version_not_draft",
        "window_busy",
        "window_paused",
        "wrong_state",
        "zone_exists",
    }
)


def _sources(tests: bool) -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "/migrations/" not in p.as_posix()
        and p != Path(__file__)
        and (("/tests/" in p.as_posix() or p.name == "conftest.py") == tests)
    ]


def _raised() -> set[str]:
    return {
        code for path in _sources(tests=False) for code in RAISED.findall(path.read_text(encoding="utf-8"))
    }


def _tested() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in _sources(tests=True))


def _asserted(code: str, tests: str) -> bool:
    return f'"{code}"' in tests or f"'{code}'" in tests


def test_every_documented_error_code_is_asserted_by_a_test():
    docs = "\n".join(path.read_text(encoding="utf-8") for path in DOCS.glob("*.md"))
    generic = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.ServiceError)
    }
    documented = {code for code in _raised() if f"`{code}`" in docs} | generic | set(errors.MESSAGES)
    tests = _tested()
    assert sorted(code for code in documented if not _asserted(code, tests)) == []


def test_no_new_error_code_without_a_test():
    tests = _tested()
    untested = {code for code in _raised() if not _asserted(code, tests)}
    assert sorted(untested - UNTESTED) == [], "a new error code needs a test that asserts it"
    assert sorted(UNTESTED - untested) == [], "these codes are tested now: remove them from UNTESTED"
