from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.core.errors import ServiceError
from onewindow.operations.backup import backup_create

from ._passphrase import read_passphrase


class Command(BaseCommand):
    help = ("Write a consistent, dated backup archive (database, files, public signing key, audit anchor) into "
            "DIRECTORY. --include-private-key adds the signing key, encrypted with the passphrase from "
            "--passphrase-file or $ONEWINDOW_BACKUP_PASSPHRASE.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--include-private-key", action="store_true")
        parser.add_argument("--passphrase-file")

    def handle(self, *args, directory, include_private_key, passphrase_file, **options):
        passphrase = read_passphrase(passphrase_file) if include_private_key else None
        if include_private_key and passphrase is None:
            raise CommandError("--include-private-key needs --passphrase-file or $ONEWINDOW_BACKUP_PASSPHRASE")
        try:
            archive = backup_create(directory=directory, passphrase=passphrase)
        except ServiceError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        self.stdout.write(str(archive))
