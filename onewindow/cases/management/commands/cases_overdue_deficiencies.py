"""Terminate cases whose 容缺 supplement deadline has passed (run daily, e.g. from cron or the worker)."""

from django.core.management.base import BaseCommand

from onewindow.audit.context import audit_context
from onewindow.cases.services import deficiencies_expire


class Command(BaseCommand):
    help = "Terminate open cases whose deficient materials were not supplied by the deadline."

    def handle(self, *args, **options):
        with audit_context(source="cli"):
            numbers = deficiencies_expire()
        for number in numbers:
            self.stdout.write(number)
        self.stdout.write(self.style.SUCCESS(f"{len(numbers)} case(s) terminated."))
