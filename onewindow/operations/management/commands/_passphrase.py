import os
from pathlib import Path


def read_passphrase(path: str | None) -> str | None:
    """From --passphrase-file, else $ONEWINDOW_BACKUP_PASSPHRASE; never from the command line (it would show
    in the process list and the shell history)."""
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get("ONEWINDOW_BACKUP_PASSPHRASE") or None
