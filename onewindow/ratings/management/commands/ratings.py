from django.core.management.base import BaseCommand

from onewindow.audit.context import audit_context
from onewindow.ratings.services import complaints_escalate_overdue, rating_defaults_record


class Command(BaseCommand):
    help = ("`ratings sweep`: record the default rating of every case whose rating period ended unrated, and "
            "escalate complaints past their reply date. Run daily (cron or `ratings sweep --enqueue` for the "
            "task worker); safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"])
        parser.add_argument("--enqueue", action="store_true", help="queue the sweep for the task worker")

    def handle(self, *args, action, enqueue, **options):
        if enqueue:
            from onewindow.ratings.tasks import ratings_sweep

            self.stdout.write(f"queued: {ratings_sweep.enqueue().id}")
            return
        with audit_context(source="cli"):
            defaults, escalated = rating_defaults_record(), complaints_escalate_overdue()
        self.stdout.write(f"default ratings: {defaults}; complaints escalated: {escalated}")
