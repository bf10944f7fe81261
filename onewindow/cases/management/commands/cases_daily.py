"""The case engine's daily rules: deemed acceptance (行政许可法 Art. 32) and 容缺 lapses. Run daily like
`ratings sweep` (cron, or `--enqueue` for the task worker); safe to run twice."""

from django.core.management.base import BaseCommand

from onewindow.audit.context import audit_context
from onewindow.cases.services import deemed_acceptances_apply, deficiencies_expire


class Command(BaseCommand):
    help = ("Accept applications whose Art. 32 window ended without a correction notice (from receipt), and "
            "terminate cases whose 容缺 materials were not supplied by the deadline.")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue the run for the task worker")

    def handle(self, *args, enqueue, **options):
        if enqueue:
            from onewindow.cases.tasks import cases_daily

            self.stdout.write(f"queued: {cases_daily.enqueue().id}")
            return
        with audit_context(source="cli"):
            deemed, lapsed = deemed_acceptances_apply(), deficiencies_expire()
        for number in deemed:
            self.stdout.write(f"deemed accepted: {number}")
        for number in lapsed:
            self.stdout.write(f"terminated: {number}")
        self.stdout.write(f"deemed accepted: {len(deemed)}; terminated: {len(lapsed)}")
