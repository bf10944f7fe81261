from django.core.management.base import BaseCommand

from onewindow.accounts.signin import signin_unlock
from onewindow.audit.context import audit_context


class Command(BaseCommand):
    help = "Staff sign-in lockouts: `signin unlock USERNAME|ADDRESS` lifts one (audited)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["unlock"])
        parser.add_argument("target", help="a staff username or a client address")

    def handle(self, *args, action, target, **options):
        with audit_context(source="cli"):
            lifted = signin_unlock(target=target)
        self.stdout.write(f"unlocked {target}: {', '.join(lifted)}" if lifted else f"{target} was not locked")
