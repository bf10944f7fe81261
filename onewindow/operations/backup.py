"""`onewindow backup` and `onewindow restore`: one dated archive that rebuilds an installation.

The archive (tar.gz) holds
  manifest.json                 format, time, version, database vendor, applied migrations, the audit anchor,
                                the signing key id, and the SHA-256 of every other member
  database/postgresql.dump      pg_dump custom format, or database/sqlite3.db (the SQLite backup API)
  media/...                     uploaded materials and generated documents (MEDIA_ROOT)
  keys/signing-public.pem       the certificate signing key's public part
  keys/signing-private.pem.enc  only with --include-private-key: PKCS#8, encrypted with the passphrase
  audit/anchor.json             the audit chain head, last event id and count at the moment of the dump

Consistency: the database is copied from one snapshot (pg_dump with a snapshot exported by the transaction
that also reads the audit anchor; on SQLite the backup API copies one state, and the anchor is read from the
copy). Files are copied after the dump: they are written before the row that names them commits and never
rewritten, so every file the dump refers to is there (a file stored after the snapshot is a harmless extra).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext_lazy as _

from onewindow import __version__
from onewindow.audit.context import audit_context
from onewindow.audit.services import audit_log, audit_seal, audit_verify
from onewindow.core import signing
from onewindow.core.errors import Conflict, ValidationFailed

FORMAT = "onewindow-backup/1"
MIN_PASSPHRASE = 12
PRIVATE_KEY = "keys/signing-private.pem.enc"


class BackupError(RuntimeError):
    pass


@dataclass
class RestoreReport:
    files: int
    audit_events: int
    checks: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "", "PGHOST": db.get("HOST") or "",
           "PGPORT": str(db.get("PORT") or "")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _anchor(cursor) -> dict:
    cursor.execute("SELECT last_hash FROM audit_auditchainhead WHERE id = 1")
    head = cursor.fetchone()
    cursor.execute("SELECT COUNT(*), MAX(id) FROM audit_auditevent")
    count, last_id = cursor.fetchone()
    return {"chain_head": head[0] if head else None, "events": count, "last_event_id": last_id}


def _dump_database(target: Path) -> tuple[str, dict]:
    """Write the dump under `target`; return its archive name and the audit anchor of the same snapshot."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        name = "database/postgresql.dump"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            anchor = _anchor(cursor)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                            f"--file={target / name}"], env=_pg_env(db), check=True)
        return name, anchor
    if connection.vendor == "sqlite":
        name = "database/sqlite3.db"
        connection.ensure_connection()
        copy = sqlite3.connect(target / name)
        try:
            connection.connection.backup(copy)
            anchor = _anchor(copy.cursor())
        finally:
            copy.close()
        return name, anchor
    raise BackupError(f"no backup method for {connection.vendor}")


def _write_members(staging: Path, *, passphrase: str | None) -> dict:
    (staging / "database").mkdir()
    (staging / "keys").mkdir()
    (staging / "audit").mkdir()
    dump, anchor = _dump_database(staging)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, staging / "media", symlinks=False)
    key = signing.signing_key()
    (staging / "keys" / "signing-public.pem").write_bytes(signing.public_key_pem(key))
    if passphrase is not None:
        (staging / PRIVATE_KEY).write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode())))
    (staging / "audit" / "anchor.json").write_text(json.dumps(anchor, indent=2))
    return {"database": dump, "anchor": anchor, "key_id": signing.key_id(key.public_key())}


def _check_passphrase(passphrase: str | None) -> None:
    if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(_("The passphrase must have at least %(n)d characters.") % {"n": MIN_PASSPHRASE},
                               code="passphrase_too_short")


def backup_create(*, directory: Path, passphrase: str | None = None, actor=None) -> Path:
    """Write `onewindow-backup-<UTC time>.tar.gz` into `directory`; the private key only with a passphrase."""
    _check_passphrase(passphrase)
    audit_seal()  # the archive's chain covers every event committed so far
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"onewindow-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        staging = Path(tmp) / archive.name.removesuffix(".tar.gz")
        staging.mkdir()
        facts = _write_members(staging, passphrase=passphrase)
        files = {str(p.relative_to(staging)): _sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()}
        manifest = {"format": FORMAT, "created_at": stamp, "version": __version__, "vendor": connection.vendor,
                    "migrations": _applied_migrations(), "files": files, **facts}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(staging, arcname=staging.name)
        os.chmod(partial, 0o600)  # personal data: readable by the service account only
        partial.rename(archive)
    with audit_context(source="cli"), transaction.atomic():
        audit_log(action="operations.backup_created", actor=actor, object_type="backup", object_id=stamp,
                  object_repr=archive.name, changes={"files": len(files), "private_key": passphrase is not None,
                                                     "sha256": _sha256(archive)})
    return archive


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


# --- restore ---------------------------------------------------------------------------------------------


def _unpack(archive: Path, into: Path) -> tuple[Path, dict]:
    """Extract (no links, no paths outside) and check every member against the manifest."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    roots = [p for p in into.iterdir() if p.is_dir()]
    if len(roots) != 1 or not (roots[0] / "manifest.json").is_file():
        raise BackupError(f"{archive} is not a OneWindow backup (no manifest)")
    root = roots[0]
    manifest = json.loads((root / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    present = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - {"manifest.json"}
    if present != set(manifest["files"]):
        raise BackupError(f"archive members differ from the manifest: {sorted(present ^ set(manifest['files']))}")
    for name, digest in manifest["files"].items():
        if _sha256(root / name) != digest:
            raise BackupError(f"checksum mismatch: {name}")
    return root, manifest


def _require_fresh() -> None:
    if connection.introspection.table_names():
        raise Conflict(_("The database is not empty: restore rebuilds a fresh installation (create a new, empty "
                         "database and point DATABASE_URL at it)."), code="restore_target_not_empty")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise Conflict(_("%(path)s is not empty.") % {"path": media_root}, code="restore_target_not_empty")
    if signing.key_path().exists():
        raise Conflict(_("%(path)s already exists.") % {"path": signing.key_path()},
                       code="restore_target_not_empty")


def _load_database(root: Path, manifest: dict) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; this installation uses "
                          f"{connection.vendor}")
    dump = root / manifest["database"]
    if connection.vendor == "postgresql":
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                        f"--dbname={connection.settings_dict['NAME']}", str(dump)],
                       env=_pg_env(connection.settings_dict), check=True)
    else:
        source = sqlite3.connect(dump)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    connections.close_all()


def _signing_key(root: Path, manifest: dict, passphrase: str | None):
    """The private key from the archive (None when it holds the public part only), checked against the manifest."""
    public = signing.load_public_key((root / "keys" / "signing-public.pem").read_bytes())
    if signing.key_id(public) != manifest["key_id"]:
        raise BackupError("the public key does not match the manifest's key id")
    if not (root / PRIVATE_KEY).exists():
        return None
    if passphrase is None:
        raise ValidationFailed(_("The archive holds the encrypted signing key: give its passphrase."),
                               code="passphrase_required")
    try:
        key = serialization.load_pem_private_key((root / PRIVATE_KEY).read_bytes(), password=passphrase.encode())
    except ValueError:
        raise ValidationFailed(_("Wrong passphrase for the signing key."), code="passphrase_wrong") from None
    if signing.key_id(key.public_key()) != manifest["key_id"]:
        raise BackupError("the private key does not match the manifest's key id")
    return key


def _install_key(key) -> str:
    if key is None:
        return ("signing key: public part only (certificates verify with keys/signing-public.pem; restore the "
                "private key before issuing certificates)")
    path = signing.key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return f"signing key {signing.key_id(key.public_key())} restored to {path}"


def backup_restore(*, archive: Path, passphrase: str | None = None, actor=None) -> RestoreReport:
    """Rebuild a fresh installation (empty database, empty MEDIA_ROOT, no signing key) from `archive`, then
    prove it: every file's checksum, the audit chain, and its head against the anchor in the archive."""
    with tempfile.TemporaryDirectory() as tmp:
        root, manifest = _unpack(archive, Path(tmp))
        key = _signing_key(root, manifest, passphrase)  # a wrong passphrase stops here, before any change
        _require_fresh()
        _load_database(root, manifest)
        media = Path(settings.MEDIA_ROOT)
        if (root / "media").is_dir():
            shutil.copytree(root / "media", media, dirs_exist_ok=True)
        checks = [_install_key(key)]
    restored = {f"media/{p.relative_to(media)}": _sha256(p) for p in media.rglob("*") if p.is_file()}
    expected = {name: digest for name, digest in manifest["files"].items() if name.startswith("media/")}
    if restored != expected:
        raise BackupError("restored files differ from the manifest")
    checks.append(f"{len(restored)} files match their checksums")
    result = audit_verify(seal=False)  # as archived: its head is compared with the anchor below
    anchor = manifest["anchor"]
    with connection.cursor() as cursor:
        now = _anchor(cursor)
    if not result.ok or now != anchor:
        raise BackupError(f"audit chain after restore: {result.reason or 'head differs from the anchor'}")
    checks.append(f"audit chain verified: {result.checked} events, head {anchor['chain_head']} as anchored")
    with audit_context(source="cli"), transaction.atomic():
        audit_log(action="operations.restored", actor=actor, object_type="backup", object_id=manifest["created_at"],
                  object_repr=archive.name, changes={"files": len(restored), "events": result.checked})
    return RestoreReport(files=len(restored), audit_events=result.checked, checks=checks)
