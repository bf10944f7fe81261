import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.demo import DEMO_PASSWORD, demo_authority_setup, demo_people_setup
from onewindow.audit.context import audit_context
from onewindow.catalog.loader import catalog_load_reference
from onewindow.core.errors import ServiceError
from onewindow.portal.demo import DEMO_MOBILE, demo_applicant_setup


class Command(BaseCommand):
    help = ("Demo data. `demo setup` loads the reference catalog, the demo accounts and their authority "
            "(idempotent; refuses when DEBUG is off unless --force). `demo history --since 2020-05-06 "
            "--completed 10606` then adds that many window cases completed on the spot and rated, through the "
            "real services.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["setup", "history"])
        parser.add_argument("--force", action="store_true", help="allow demo accounts with DEBUG off")
        parser.add_argument("--since", type=datetime.date.fromisoformat, default=datetime.date(2020, 5, 6),
                            help="history: first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=None,
                            help="history: last day (default yesterday)")
        parser.add_argument("--completed", type=int, default=10606, help="history: number of completed cases")
        parser.add_argument("--seed", type=int, default=20200506, help="history: random seed")

    def handle(self, *args, action, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts are not created unless --force is given.")
        with audit_context(source="cli"):
            loaded = catalog_load_reference()
            users = demo_people_setup()
            grants = demo_authority_setup()
            demo_applicant_setup(password=DEMO_PASSWORD)
        self.stdout.write(f"catalog: {loaded}; authority grants: {grants}")
        self.stdout.write(f"demo staff (password {DEMO_PASSWORD}): {', '.join(users)}")
        self.stdout.write(f"demo applicant: mobile {DEMO_MOBILE}, password {DEMO_PASSWORD}, at /signin/")
        if action == "history":
            self._history(options)

    def _history(self, options):
        from onewindow.stats.history import history_generate

        def progress(day, made):
            if day.day == 1 or made == options["completed"]:
                self.stdout.write(f"{day}: {made} cases")

        try:
            with audit_context(source="cli"):
                report = history_generate(since=options["since"], until=options["until"],
                                          completed=options["completed"], seed=options["seed"], progress=progress)
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        rate = report.created / report.seconds if report.seconds else 0
        self.stdout.write(f"history: {report.created} completed cases over {report.days} working days "
                          f"in {report.seconds} s ({rate:.0f} cases/s)")
