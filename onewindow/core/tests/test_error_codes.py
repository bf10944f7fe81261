"""Error codes are the API's contract: every code the documentation names, and the generic codes of
`core.errors`, is asserted by at least one test, and so is every code that shipped code raises: a new code
without a test fails here."""

import re
from pathlib import Path

import onewindow
from onewindow.core import errors

ROOT = Path(onewindow.__file__).parent
DOCS = ROOT.parent / "docs"
RAISED = re.compile(r'\bcode="([a-z_0-9]+)"')



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


def test_every_raised_error_code_is_asserted_by_a_test():
    tests = _tested()
    assert sorted(code for code in _raised() if not _asserted(code, tests)) == [], (
        "a new error code needs a test that asserts it"
    )
