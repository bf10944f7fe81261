from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chain and reports the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            where = f"event {result.broken_id}" if result.broken_id else "chain head"
            raise CommandError(f"BROKEN at {where}: {result.reason} ({result.checked} events verified before it)")
        self.stdout.write(f"OK: {result.checked} events, chain intact")
