from django.core.management.base import BaseCommand

from onewindow.exchange.simulator import serve


class Command(BaseCommand):
    help = "`platform simulate --port 8100`: run a provincial-platform simulator that stores what it is sent."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["simulate"])
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--secret", default="", help="shared secret; signatures are checked when given")
        parser.add_argument("--db", default=":memory:", help="SQLite file to keep received rows in")

    def handle(self, *args, host, port, secret, db, **options):
        server = serve(host=host, port=port, secret=secret, db=db)
        self.stdout.write(f"platform simulator on http://{host}:{port}/exchange/rows (control: POST /_control)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            rows = server.state.store.rows()
            self.stdout.write(f"received {len(rows)} rows, {server.state.store.duplicates} duplicates ignored")
