import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.context import audit_context
from onewindow.catalog.exchange import catalog_export, catalog_import
from onewindow.catalog.forms_files import guide_forms_generate
from onewindow.catalog.loader import catalog_load_reference
from onewindow.core.errors import ValidationFailed


class Command(BaseCommand):
    help = ("The item catalog: `load` the reference catalog, `export --format json|xlsx [-o FILE]`, "
            "`import FILE` (JSON or Excel; changes nothing and lists every error when the file is wrong).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load data/reference_catalog.json (idempotent)")
        export = sub.add_parser("export", help="write the published catalog")
        export.add_argument("--format", choices=["json", "xlsx"], default="json")
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        imp = sub.add_parser("import", help="import a catalog file (JSON or xlsx)")
        imp.add_argument("file")

    def handle(self, *args, action, **options):
        with audit_context(source="cli"):
            try:
                if action == "load":
                    self.stdout.write(catalog_load_reference())
                    self.stdout.write(f"template forms generated: {guide_forms_generate()}")
                elif action == "export":
                    self._export(options["format"], options.get("output"))
                else:
                    self.stdout.write(str(catalog_import(Path(options["file"]).read_bytes(), actor=None)))
            except ValidationFailed as exc:
                for error in exc.details.get("errors", []):
                    self.stderr.write(str(error))
                raise CommandError(str(exc.message)) from None
            except OSError as exc:
                raise CommandError(str(exc)) from None

    def _export(self, format, output):
        data = catalog_export(format)
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"wrote {len(data)} bytes to {output}")
        else:
            sys.stdout.buffer.write(data)
