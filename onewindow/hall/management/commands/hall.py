from django.core.management.base import BaseCommand

from onewindow.audit.context import audit_context
from onewindow.hall.services import tickets_close_day


class Command(BaseCommand):
    help = ("`hall sweep`: close (弃号) every ticket of an earlier day still waiting, called or skipped; tickets "
            "are never carried over. Run daily after the hall closes (cron); safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"])

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            closed = tickets_close_day()
        self.stdout.write(f"tickets closed: {closed}")
