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
        "activity_closed",
        "already_applied",
        "already_checked_out",
        "already_confirmed",
        "already_decided",
        "already_excluded",
        "already_signed_up",
        "appeal_pending",
        "bad_action",
        "bad_assignee",
        "bad_character",
        "bad_checkin_code",
        "bad_community",
        "bad_date",
        "bad_evidence",
        "bad_hours",
        "bad_indicators",
        "bad_kind",
        "bad_level",
        "bad_mobile",
        "bad_needed",
        "bad_number",
        "bad_outcome",
        "bad_pad_code",
        "bad_priority",
        "bad_satisfaction",
        "bad_span",
        "bad_stage",
        "bad_state",
        "bad_subject",
        "bad_team",
        "bad_thresholds",
        "bad_time",
        "bad_window",
        "case_not_completed",
        "case_not_found",
        "case_withdrawn",
        "checkin_closed",
        "checkout_closed",
        "complaint_not_found",
        "evaluation_exists",
        "file_missing",
        "has_case",
        "manager_not_staff",
        "message_required",
        "no_business",
        "no_confirmed_hours",
        "no_current_ticket",
        "no_desk",
        "no_hall",
        "no_volunteer",
        "no_window",
        "not_assigned",
        "not_cancellable",
        "not_checked_out",
        "not_ended",
        "not_member",
        "not_responsible_unit",
        "not_serving",
        "not_signed_up",
        "not_skipped",
        "not_staff",
        "not_standby",
        "not_submitter",
        "not_supervisor",
        "not_team_manager",
        "not_volunteer",
        "not_waiting",
        "not_withdrawable",
        "note_required",
        "programme_exists",
        "reply_required",
        "scores_pending",
        "scores_submitted",
        "survey_answered",
        "survey_closed",
        "team_exists",
        "team_not_staff",
        "throttled",
        "unknown_slot",
        "unknown_user",
        "upload_not_image",
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
