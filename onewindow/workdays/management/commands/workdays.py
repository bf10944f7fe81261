"""`onewindow workdays add|count|show|import`: the calendar for people and scripts."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.models import User
from onewindow.audit.context import audit_context
from onewindow.core.errors import ServiceError
from onewindow.workdays import services


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Working-day calendar: answer questions, show a year, import a State Council notice."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the Nth working day after DATE (DATE not counted)")
        add.add_argument("date")
        add.add_argument("n", type=int)
        count = sub.add_parser("count", help="working days in the closed range FROM..TO")
        count.add_argument("first")
        count.add_argument("last")
        show = sub.add_parser("show", help="a year's holidays and make-up working days, in notice format")
        show.add_argument("year", type=int)
        imp = sub.add_parser("import", help="import a notice file (shows the changes first)")
        imp.add_argument("file")
        imp.add_argument("--yes", action="store_true", help="apply without asking")
        imp.add_argument("--by", help="username recorded as the actor")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            with audit_context(source="cli"):
                getattr(self, f"do_{action}")(options)
        except ServiceError as error:
            raise CommandError(str(error.message)) from None

    def do_add(self, options):
        if options["n"] < 0:
            raise CommandError("N must not be negative")
        answer = services.add_working_days(iso_date(options["date"]), options["n"])
        self.stdout.write(answer.date.isoformat() + (" provisional" if answer.provisional else ""))

    def do_count(self, options):
        answer = services.count_working_days(iso_date(options["first"]), iso_date(options["last"]))
        self.stdout.write(str(answer.days) + (" provisional" if answer.provisional else ""))

    def do_show(self, options):
        if not 1900 <= options["year"] <= 2200:
            raise CommandError("the year must be between 1900 and 2200")
        notice, provisional = services.year_notice(options["year"])
        if provisional:
            self.stdout.write(f"# {notice.year} is provisional: no notice entered, Monday to Friday assumed")
        self.stdout.write(services.notice_text(notice), ending="")

    def do_import(self, options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        actor = None
        if options["by"]:
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError(f"no user {options['by']!r}")
        notice = services.notice_parse(text)
        diff = services.notice_diff(notice)
        self.print_diff(diff)
        if diff.empty:
            return
        if not options["yes"]:
            if input("Apply? [y/N] ").strip().lower() not in {"y", "yes"}:
                raise CommandError("not applied")
        applied = services.notice_import(notice=notice, actor=actor)
        self.stdout.write(f"applied: {len(applied.changes)} days changed, {applied.overrides_set} overrides written")

    def print_diff(self, diff):
        for change in diff.changes:
            before = "working" if change.was_working else "off"
            after = "working" if change.is_working else "off"
            self.stdout.write(f"{change.date.isoformat()} {change.date:%a} {before} -> {after} {change.note}".rstrip())
        for day in diff.overrides_removed:
            self.stdout.write(f"{day.isoformat()} override removed (not in the notice)")
        if diff.confirms_year:
            self.stdout.write(f"{diff.year} becomes firm (no longer provisional)")
        if diff.empty:
            self.stdout.write("no changes: the calendar already matches the notice")
        else:
            self.stdout.write(f"{len(diff.changes)} days change, {diff.overrides_set} overrides to write")

