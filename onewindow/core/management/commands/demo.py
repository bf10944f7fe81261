from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.demo import DEMO_PASSWORD, demo_authority_setup, demo_people_setup
from onewindow.audit.context import audit_context
from onewindow.catalog.loader import catalog_load_reference


class Command(BaseCommand):
    help = ("Demo data. `demo setup` loads the reference catalog, the demo accounts and their authority "
            "(idempotent; refuses when DEBUG is off unless --force).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["setup"])
        parser.add_argument("--force", action="store_true", help="allow demo accounts with DEBUG off")

    def handle(self, *args, action, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts are not created unless --force is given.")
        with audit_context(source="cli"):
            loaded = catalog_load_reference()
            users = demo_people_setup()
            grants = demo_authority_setup()
        self.stdout.write(f"catalog: {loaded}; authority grants: {grants}")
        self.stdout.write(f"demo accounts (password {DEMO_PASSWORD}): {', '.join(users)}")
