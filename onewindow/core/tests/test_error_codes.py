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
        "already_charity",
        "already_fundraising",
        "already_issued",
        "bad_code",
        "bad_collector_id",
        "bad_copies",
        "bad_delivery",
        "bad_format",
        "bad_material_mode",
        "bad_pause_kind",
        "bad_purpose",
        "binding_decided",
        "binding_not_reviewer",
        "bulk_bad_count",
        "bulk_bad_years",
        "bulk_missing_reference",
        "bulk_no_days",
        "catalog_update_invalid",
        "certificate_kind",
        "charter_required",
        "client_exists",
        "code_daily_limit",
        "collector_required",
        "days_out_of_range",
        "document_not_found",
        "draft_exists",
        "fields_required",
        "file_required",
        "guide_rules",
        "import_failed",
        "import_file",
        "import_race",
        "import_rows",
        "incomplete",
        "item_exists",
        "item_not_published",
        "locked",
        "materials_missing",
        "name_taken",
        "no_certificate",
        "not_a_platform_client",
        "not_charity",
        "not_draft",
        "not_editable",
        "not_online",
        "not_registered",
        "not_valid",
        "note_too_long",
        "organisation_not_found",
        "override_exists",
        "override_missing",
        "override_needless",
        "passphrase_required",
        "passphrase_too_short",
        "passphrase_wrong",
        "profile_not_found",
        "reason_too_long",
        "registered_items",
        "restore_target_not_empty",
        "sequence_busy",
        "tracking_required",
        "upload_empty",
        "upload_missing",
        "uscc_length",
        "version_not_draft",
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
