from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.models import User
from onewindow.audit.context import audit_context
from onewindow.core.errors import ServiceError
from onewindow.registry.importer import export_rows, read_rows
from onewindow.registry.models import Organisation
from onewindow.registry.services import organisations_import


class Command(BaseCommand):
    help = ("The register. `registry import FILE --by ADMIN_USERNAME` loads an .xlsx/.csv register (all rows "
            "or none; every bad row is listed); `registry export FILE` writes .xlsx or .csv by extension.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file")
        parser.add_argument("--by", help="import: the administrator's username (recorded in the audit log)")

    def handle(self, *args, action, file, by, **options):
        path = Path(file)
        if action == "export":
            fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
            path.write_bytes(export_rows(Organisation.objects.order_by("credit_code").iterator(), fmt))
            self.stdout.write(f"exported {Organisation.objects.count()} organisations to {path}")
            return
        actor = User.objects.filter(username=by).first() if by else None
        if actor is None:
            raise CommandError("--by must name an administrator account")
        try:
            with audit_context(source="cli"):
                created = organisations_import(rows=read_rows(path.read_bytes(), path.name), actor=actor)
        except ServiceError as exc:
            for row in exc.details.get("rows", []):
                self.stderr.write(f"row {row['row']}: {'; '.join(row['errors'])}")
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"imported {len(created)} organisations")
