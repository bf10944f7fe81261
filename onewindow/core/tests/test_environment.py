"""Configuration comes from one place: settings.py reads the environment, apps read `settings` when called."""

import re
from pathlib import Path

import onewindow

ROOT = Path(onewindow.__file__).parent
READS = re.compile(r"os\.environ\.get\(|os\.environ\[|getenv\(")
# settings.py reads the environment; gunicorn's config and the load-test harness run outside Django;
# the backup passphrase is read by the backup commands when they run (never held in settings, see
# operations/management/commands/_passphrase.py); migrations are history.
ALLOWED = {
    "settings.py",
    "settings_test.py",
    "gunicorn_conf.py",
    "conftest.py",
    "operations/management/commands/_passphrase.py",
}


def test_only_settings_read_the_environment():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if (
            relative in ALLOWED
            or relative.startswith("bench/")
            or "/tests/" in f"/{relative}"
            or "/migrations/" in relative
        ):
            continue
        offenders += [
            f"{relative}:{n}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if READS.search(line)
        ]
    assert offenders == []
