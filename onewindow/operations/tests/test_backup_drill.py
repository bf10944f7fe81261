"""The backup drill of docs/operations.md, with the real command in other processes: handle cases, back up,
wipe, restore into a fresh database, then prove it (audit chain, certificates, files, case numbering)."""

import hashlib
import json
import tarfile

from .installation import Installation

PASSPHRASE = "correct horse battery staple"


def _tree(root) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*")
            if p.is_file()}


def _drill(installation, n: int) -> dict:
    shell = installation.run("shell", "-c", f"from onewindow.operations.tests.drill import open_case_with_upload;"
                                            f"open_case_with_upload({n})")
    return json.loads(shell.stdout.strip().splitlines()[-1])


def test_backup_wipe_restore_drill(tmp_path):
    old = Installation(tmp_path, "drill_old", ONEWINDOW_BACKUP_PASSPHRASE=PASSPHRASE)
    old.run("migrate", "--noinput", "-v", "0")
    old.run("createcachetable")
    old.run("demo", "setup", "--force")
    first = _drill(old, 1)
    assert len(first["certificates"]) == 1
    files_before = _tree(old.media)
    assert any(name.startswith("case-documents/") for name in files_before)
    assert any(name.endswith(".pdf") and not name.startswith("case-documents/") for name in files_before)

    archive = tmp_path / "backups"
    old.run("backup", str(archive), "--include-private-key")
    [made] = archive.glob("onewindow-backup-*.tar.gz")
    with tarfile.open(made) as tar:
        names = tar.getnames()
    assert any(n.endswith("keys/signing-private.pem.enc") for n in names)
    assert any(n.endswith("audit/anchor.json") for n in names)

    # The wipe: a new machine with an empty database, no files and no key.
    new = Installation(tmp_path, "drill_new")
    refused = new.run("restore", str(made), check=False)
    assert refused.returncode != 0 and "(passphrase_required)" in refused.stderr
    (tmp_path / "pass").write_text(PASSPHRASE)
    restored = new.run("restore", str(made), "--passphrase-file", str(tmp_path / "pass"))
    assert "audit chain verified" in restored.stdout and "files match their checksums" in restored.stdout

    assert new.run("audit", "verify").returncode == 0
    for token in first["certificates"]:
        assert new.run("certificate", "verify", token).stdout.startswith("VALID")
    assert _tree(new.media) == files_before
    second = _drill(new, 2)
    assert second["case_no"][:-4] == first["case_no"][:-4]
    # Each drill run files two cases; the restored counter goes on from the last number of the old machine.
    assert int(second["case_no"][-4:]) == int(first["case_no"][-4:]) + 2

    again = new.run("restore", str(made), "--passphrase-file", str(tmp_path / "pass"), check=False)
    assert again.returncode != 0 and "(restore_target_not_empty)" in again.stderr
