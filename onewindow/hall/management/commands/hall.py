from django.core.management.base import BaseCommand

from onewindow.audit.context import audit_context
from onewindow.hall.services import appointments_mark_no_show, tickets_close_day


class Command(BaseCommand):
    help = ("`hall sweep`: close (弃号) every ticket of an earlier day still waiting, called or skipped (tickets "
            "are never carried over) and record appointments whose slot ended unchecked as no-shows. Run daily "
            "after the hall closes (cron; `make run` runs it hourly); safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"])

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            closed, no_shows = tickets_close_day(), appointments_mark_no_show()
        self.stdout.write(f"tickets closed: {closed}; appointments not kept: {no_shows}")
