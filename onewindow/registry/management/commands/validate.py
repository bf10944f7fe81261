from django.core.management.base import BaseCommand

from onewindow.registry.identifiers import check_id_number
from onewindow.registry.services import uscc_accept


class Command(BaseCommand):
    help = ("Check an identifier: `validate uscc CODE` (统一社会信用代码, GB 32100, honouring recorded "
            "overrides) or `validate id NUMBER` (公民身份号码, GB 11643). Prints valid/invalid and the reason; "
            "exits 0 when valid, 1 when not.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["uscc", "id"])
        parser.add_argument("value")

    def handle(self, *args, kind, value, **options):
        result = uscc_accept(value) if kind == "uscc" else check_id_number(value)
        self.stdout.write(f"{'valid' if result.ok else 'invalid'}: {result.message}")
        if not result.ok:
            raise SystemExit(1)
