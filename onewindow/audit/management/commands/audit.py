from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.services import audit_anchor, audit_seal, audit_verify


class Command(BaseCommand):
    help = ("Audit log tools. `audit verify` chains the pending events, then checks the hash chain, its keyed "
            "head and the signed anchors and reports the first break (--no-seal: check without writing); "
            "`audit anchor` signs the current head into the anchor file (run it from cron and publish the file); "
            "`audit seal` chains the committed events the task worker has not chained yet.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor", "seal"])
        parser.add_argument("--no-seal", action="store_true", help="verify only: do not chain pending events first")

    def handle(self, *args, action, no_seal, **options):
        if action == "seal":
            self.stdout.write(f"chained {audit_seal()} events")
            return
        if action == "anchor":
            try:
                line = audit_anchor()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"anchored {line['payload']['count']} events at {line['payload']['at']}")
            return
        result = audit_verify(seal=not no_seal)
        if not result.ok:
            where = f"event {result.broken_id}" if result.broken_id else "chain head"
            raise CommandError(f"BROKEN at {where}: {result.reason} ({result.checked} events verified before it)")
        pending = f"; {result.pending} committed events not chained yet" if result.pending else ""
        self.stdout.write(f"OK: {result.checked} events, chain intact{pending}")
