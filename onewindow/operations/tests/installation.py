"""A OneWindow installation of its own for tests that run the `onewindow` command in other processes: its
database (a SQLite file, or a PostgreSQL database named ow_ops_* when the suite runs on PostgreSQL), its
files and signing key, and the production settings (DEBUG off)."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parents[3]


def database_url(tmp_path: Path, name: str) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(f"ow_ops_{name}")))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(f"ow_ops_{name}")))
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/ow_ops_{name}"


class Installation:
    def __init__(self, tmp_path: Path, name: str, **extra: str):
        home = tmp_path / name
        home.mkdir()
        self.media = home / "media"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings", "DEBUG": "0",
                    "SECRET_KEY": "ops-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
                    "SECURE_COOKIES": "0", "DATABASE_URL": database_url(tmp_path, name),
                    "ONEWINDOW_VAR_DIR": str(home), "ONEWINDOW_MEDIA_ROOT": str(self.media),
                    "ONEWINDOW_STATIC_ROOT": str(home / "static"), "LOG_LEVEL": "WARNING", **extra}
        self.env.pop("ONEWINDOW_SIGNING_KEY_FILE", None)

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "onewindow", *command], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"onewindow {' '.join(command)}: {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done
