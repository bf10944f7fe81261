"""The backup and restore refusals, in process: a short passphrase, a missing or wrong one, and a restore into
an installation that is not empty. (The drill in test_backup_drill.py runs the whole round trip.)"""

import pytest
from django.core.management import CommandError, call_command

from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.operations.backup import MIN_PASSPHRASE, backup_create, backup_restore

pytestmark = pytest.mark.django_db
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def installation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ONEWINDOW_SIGNING_KEY_FILE = tmp_path / "keys" / "signing.pem"
    return tmp_path


def test_a_short_passphrase_is_refused_before_anything_is_written(installation):
    with pytest.raises(ValidationFailed) as err:
        backup_create(directory=installation / "backups", passphrase="x" * (MIN_PASSPHRASE - 1))
    assert err.value.code == "passphrase_too_short"
    assert not (installation / "backups").exists()
    (installation / "short").write_text("too short")
    with pytest.raises(CommandError, match=r"\(passphrase_too_short\)"):
        call_command(
            "backup",
            str(installation / "backups"),
            "--include-private-key",
            "--passphrase-file",
            str(installation / "short"),
        )


@pytest.mark.django_db(transaction=True)  # the SQLite dump waits for the test's open transaction otherwise
def test_restore_needs_the_right_passphrase_and_an_empty_installation(installation):
    archive = backup_create(directory=installation / "backups", passphrase=PASSPHRASE)
    with pytest.raises(ValidationFailed) as err:
        backup_restore(archive=archive)
    assert err.value.code == "passphrase_required"
    with pytest.raises(ValidationFailed) as err:
        backup_restore(archive=archive, passphrase="a wrong passphrase")
    assert err.value.code == "passphrase_wrong"
    # The right passphrase gets as far as the target check: this database already has tables.
    with pytest.raises(Conflict) as err:
        backup_restore(archive=archive, passphrase=PASSPHRASE)
    assert err.value.code == "restore_target_not_empty"
