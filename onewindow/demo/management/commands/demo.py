import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.context import audit_context
from onewindow.catalog.forms_files import guide_forms_generate
from onewindow.catalog.loader import catalog_load_reference
from onewindow.core.errors import ServiceError
from onewindow.demo.applicant import DEMO_MOBILE, demo_applicant_setup
from onewindow.demo.evaluation import demo_evaluation_setup
from onewindow.demo.hall import demo_hall_setup
from onewindow.demo.staff import DEMO_PASSWORD, demo_authority_setup, demo_people_setup
from onewindow.demo.volunteers import demo_volunteers_setup


class Command(BaseCommand):
    help = ("Demo data. `demo setup` loads the reference catalog, the demo accounts and their authority "
            "(idempotent; refuses when DEBUG is off unless --force). `demo history --since 2020-05-06 "
            "--completed 10606` then adds that many window cases completed on the spot and rated, through the "
            "real services. `demo bulk --cases 1000000 [--years 3] [--seed S] [--until DATE]` writes a "
            "provincial-scale case history in bulk for benchmarks (needs `demo setup` first).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["setup", "history", "bulk"])
        parser.add_argument("--force", action="store_true", help="allow demo accounts with DEBUG off")
        parser.add_argument("--since", type=datetime.date.fromisoformat, default=datetime.date(2020, 5, 6),
                            help="history: first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=None,
                            help="history: last day (default yesterday); bulk: last day (default today)")
        parser.add_argument("--completed", type=int, default=10606, help="history: number of completed cases")
        parser.add_argument("--seed", type=int, default=20200506, help="history, bulk: random seed")
        parser.add_argument("--cases", type=int, default=1_000_000, help="bulk: number of cases")
        parser.add_argument("--years", type=int, default=3, help="bulk: years of history ending --until")
        parser.add_argument("--batch", type=int, default=20_000, help="bulk: rows per COPY batch and table")
        parser.add_argument("--rollup", choices=["sql", "service"], default="sql",
                            help="bulk: daily figures by one SQL statement per measure (default) or by "
                                 "stats.services.rollup_days(None) (same rows, slower)")

    def handle(self, *args, action, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts are not created unless --force is given.")
        if action == "bulk":
            self._bulk(options)
            return
        with audit_context(source="cli"):
            loaded = catalog_load_reference()
            guide_forms_generate()  # the blank forms and samples the guides name, as marked templates
            users = demo_people_setup()
            grants = demo_authority_setup()
            demo_applicant_setup(password=DEMO_PASSWORD)
            demo_hall_setup()
            demo_evaluation_setup(password=DEMO_PASSWORD)
            volunteer_certificate = demo_volunteers_setup(password=DEMO_PASSWORD)
        self.stdout.write(f"catalog: {loaded}; authority grants: {grants}")
        self.stdout.write(f"demo staff (password {DEMO_PASSWORD}): {', '.join(users)}")
        self.stdout.write(f"demo applicant: mobile {DEMO_MOBILE}, password {DEMO_PASSWORD}, at /signin/")
        if volunteer_certificate:
            self.stdout.write(f"volunteer team manager: teamlead; certificate: /verify/{volunteer_certificate.token}")
        if action == "history":
            self._history(options)

    def _history(self, options):
        from onewindow.demo.history import history_generate

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

    def _bulk(self, options):
        from onewindow.demo.bulk import bulk_load

        def progress(line):
            self.stdout.write(line)

        try:
            with audit_context(source="cli"):
                report = bulk_load(cases=options["cases"], years=options["years"], seed=options["seed"],
                                   until=options["until"], batch=options["batch"], progress=progress,
                                   rollup=options["rollup"])
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"bulk: {report.cases} cases received {report.first_day} to {report.last_day}, "
                          f"seed {options['seed']}, in {report.seconds} s")
        for name in sorted(report.table_seconds, key=lambda n: -report.table_seconds[n]):
            rows = report.rows.get(name)
            self.stdout.write(f"  {name:<28} {report.table_seconds[name]:8.1f} s" + (f" {rows:>10} rows" if rows else ""))
        for name in sorted(set(report.rows) - set(report.table_seconds)):
            self.stdout.write(f"  {name:<28} {'':>10} {report.rows[name]:>10} rows")
        self.stdout.write("mix: " + ", ".join(f"{k}={v}" for k, v in sorted(report.mix.items())))
