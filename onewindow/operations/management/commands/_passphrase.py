import os
from pathlib import Path


def read_passphrase(path: str | None) -> str | None:
    """From --passphrase-file, else $ONEWINDOW_BACKUP_PASSPHRASE; never from the command line (it would show
    in the process list and the shell history).

    The one environment variable read outside settings.py, on purpose: the passphrase is a secret only the
    backup and restore commands need, read when they run, so it is never held in the settings of the web
    and worker processes (where error reports and the debug page show settings)."""
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get("ONEWINDOW_BACKUP_PASSPHRASE") or None
