import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.context import audit_context
from onewindow.exchange.models import OutboxRow, PlatformProfile
from onewindow.exchange.reconcile import reconcile
from onewindow.exchange.services import deliver_all, outbox_replay


class Command(BaseCommand):
    help = ("Provincial platform exchange: `deliver [--loop]` sends due outbox rows; `status`; "
            "`replay [GUID ...|--all]` re-queues parked rows; `reconcile --date D` compares with the platform.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["deliver", "status", "replay", "reconcile"])
        parser.add_argument("guids", nargs="*")
        parser.add_argument("--loop", action="store_true", help="keep delivering (a dedicated process)")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--date", type=date.fromisoformat)
        parser.add_argument("--profile")

    def handle(self, *args, action, guids, loop, interval, all, date, profile, **options):
        with audit_context(source="cli"):
            getattr(self, f"do_{action}")(guids=guids, loop=loop, interval=interval, all_rows=all, day=date,
                                          profile_name=profile)

    def do_deliver(self, *, loop, interval, **_):
        while True:
            report = deliver_all()
            if report.sent or report.parked:
                self.stdout.write(f"sent {report.sent}, delivered {report.delivered}, failed {report.failed}, "
                                  f"parked {report.parked}")
            if not loop:
                return
            time.sleep(interval)

    def do_status(self, **_):
        for p in PlatformProfile.objects.all():
            counts = {s: p.outbox.filter(status=s).count() for s in OutboxRow.Status.values}
            self.stdout.write(f"{p.name}\t{'active' if p.active else 'inactive'}\t" +
                              "\t".join(f"{k}={v}" for k, v in counts.items()))

    def do_replay(self, *, guids, all_rows, **_):
        if not guids and not all_rows:
            raise CommandError("name GUIDs or give --all")
        rows = OutboxRow.objects.all() if all_rows else OutboxRow.objects.filter(guid__in=guids)
        self.stdout.write(f"re-queued {outbox_replay(rows=rows, actor=None)} rows")

    def do_reconcile(self, *, day, profile_name, **_):
        if day is None:
            raise CommandError("--date YYYY-MM-DD is required")
        profiles = PlatformProfile.objects.filter(active=True).exclude(ack_url="")
        if profile_name:
            profiles = profiles.filter(name=profile_name)
        differences = False
        for p in profiles:
            r = reconcile(p, day)
            self.stdout.write(f"[{p.name}] {day}: pending {r.pending}, parked {r.parked}")
            for kind in sorted(set(r.ours) | set(r.theirs)):
                mark = "" if r.ours[kind] == r.theirs[kind] else "  ← differs"
                self.stdout.write(f"  {kind:12} sent {r.ours[kind]:6}  acknowledged {r.theirs[kind]:6}{mark}")
            for guid in r.missing_at_platform:
                self.stdout.write(f"  missing at platform: {guid}")
            for guid in r.unknown_to_us:
                self.stdout.write(f"  unknown to us: {guid}")
            differences |= not r.clean
            if r.clean:
                self.stdout.write("  no differences")
        if differences:
            raise CommandError("differences found")
