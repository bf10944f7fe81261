from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.services import audit_anchor, audit_verify


class Command(BaseCommand):
    help = ("Audit log tools. `audit verify` checks the hash chain, its keyed head and the signed anchors and "
            "reports the first break; `audit anchor` signs the current head into the anchor file (run it "
            "from cron and publish the file).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor"])

    def handle(self, *args, action, **options):
        if action == "anchor":
            try:
                line = audit_anchor()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"anchored {line['payload']['count']} events at {line['payload']['at']}")
            return
        result = audit_verify()
        if not result.ok:
            where = f"event {result.broken_id}" if result.broken_id else "chain head"
            raise CommandError(f"BROKEN at {where}: {result.reason} ({result.checked} events verified before it)")
        self.stdout.write(f"OK: {result.checked} events, chain intact")
