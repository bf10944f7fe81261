from django.core.management.base import BaseCommand

from onewindow.accounts.models import Hall
from onewindow.audit.context import audit_context
from onewindow.hall.services import appointments_mark_no_show, standby_adjust, tickets_close_day


class Command(BaseCommand):
    help = (
        "`hall sweep`: close (弃号) every ticket of an earlier day still waiting, called or skipped (tickets "
        "are never carried over) and record appointments whose slot ended unchecked as no-shows. Run daily "
        "after the hall closes (cron; `make run` runs it hourly); safe to run twice. "
        "`hall standby`: open the standby window of each business whose waiting warning is on, and close "
        "those it opened once the wait has fallen back. Run every minute while the hall is open."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep", "standby"])

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            if action == "standby":
                opened, closed = [], []
                for hall in Hall.objects.order_by("id"):
                    more_opened, more_closed = standby_adjust(hall=hall)
                    opened, closed = opened + more_opened, closed + more_closed
                self.stdout.write(f"standby windows opened: {len(opened)}; closed: {len(closed)}")
                return
            closed, no_shows = tickets_close_day(), appointments_mark_no_show()
        self.stdout.write(f"tickets closed: {closed}; appointments not kept: {no_shows}")
