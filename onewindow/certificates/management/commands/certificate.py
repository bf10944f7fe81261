import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.certificates import pdfrecord
from onewindow.certificates.selectors import certificate_by_token, verification
from onewindow.certificates.services import certificate_record
from onewindow.core import signing


class Command(BaseCommand):
    help = ("Certificates. `certificate export TOKEN [-o FILE]` writes the signed record as JSON; "
            "`certificate verify FILE_OR_TOKEN [--public-key PEM]` checks its signature offline (FILE: a JSON record "
            "or a certificate PDF, whose embedded record must verify and match what the PDF shows) "
            "(exit 0 valid, 1 invalid).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "verify"])
        parser.add_argument("target", help="a token, or for verify the path of an exported JSON record")
        parser.add_argument("-o", "--output", help="export: write to this file instead of stdout")
        parser.add_argument("--public-key", help="verify: PEM public key file (default: this installation's key)")

    def handle(self, *args, action, target, output, public_key, **options):
        if action == "export":
            certificate = certificate_by_token(target)
            if certificate is None:
                raise CommandError(f"no certificate with token {target}")
            text = json.dumps(certificate_record(certificate), ensure_ascii=False, indent=2, sort_keys=True)
            if output:
                Path(output).write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"written {output}")
            else:
                self.stdout.write(text)
            return

        key = signing.load_public_key(Path(public_key).read_bytes() if public_key else signing.public_key_pem())
        path = Path(target)
        status = None
        missing: list[str] = []
        if path.is_file() and path.read_bytes()[:5] == b"%PDF-":
            try:
                record, text = pdfrecord.extract(path.read_bytes())
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if record is None:
                raise CommandError(f"{path} carries no signed certificate record")
            missing = pdfrecord.pdf_shows(text, record.get("payload") if isinstance(record.get("payload"), dict)
                                          else {})
        elif path.is_file():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path} is not a JSON record: {exc}") from exc
        else:
            certificate = certificate_by_token(target)
            if certificate is None:
                raise CommandError(f"{target} is neither a file nor a known certificate token")
            record, status = certificate_record(certificate), verification(certificate)["status"]
        ok, reason = signing.record_valid(record, key)
        if ok and missing:
            ok, reason = False, f"the PDF does not show what its signed record says (missing: {missing[0]})"
        if ok and status == "invalid":
            ok, reason = False, "the stored record does not name this certificate (token, number or kind)"
        payload = record.get("payload") if isinstance(record.get("payload"), dict) else {}
        self.stdout.write(f"{'VALID' if ok else 'INVALID'}: {reason}")
        self.stdout.write(f"number: {payload.get('number', '?')}  credit code: {payload.get('credit_code', '?')}")
        if status:
            self.stdout.write(f"status in the register: {status}")
        if not ok:
            raise SystemExit(1)
