from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.core.errors import ServiceError
from onewindow.operations.backup import BackupError, backup_restore

from ._passphrase import read_passphrase


class Command(BaseCommand):
    help = ("Rebuild a fresh installation (empty database and MEDIA_ROOT, no signing key) from a backup archive, "
            "then check every file's checksum and the audit chain against the archive's anchor. Run "
            "`onewindow migrate` afterwards when the new code has newer migrations.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--passphrase-file", help="for an archive that holds the encrypted signing key")

    def handle(self, *args, archive, passphrase_file, **options):
        try:
            report = backup_restore(archive=archive, passphrase=read_passphrase(passphrase_file))
        except ServiceError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.checks:
            self.stdout.write(line)
        self.stdout.write("restore complete")
