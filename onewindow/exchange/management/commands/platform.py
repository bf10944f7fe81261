from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.context import audit_context
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.simulator import serve


class Command(BaseCommand):
    help = ("`platform simulate --port 8100`: run a provincial-platform simulator that stores what it is sent; "
            "`platform client-create ID --name N --scopes cases:create,cases:read`: register an API client.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["simulate", "client-create"])
        parser.add_argument("client_id", nargs="?")
        parser.add_argument("--name", default="")
        parser.add_argument("--scopes", default="cases:create,cases:read,catalog:read")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--secret", default="", help="shared secret; signatures are checked when given")
        parser.add_argument("--db", default=":memory:", help="SQLite file to keep received rows in")

    def handle(self, *args, action, host, port, secret, db, client_id, name, scopes, **options):
        if action == "client-create":
            if not client_id:
                raise CommandError("client-create needs a client id")
            with audit_context(source="cli"):
                _, client_secret = platform_client_create(client_id=client_id, name=name or client_id,
                                                          scopes=[s for s in scopes.split(",") if s])
            self.stdout.write(f"client_id={client_id}\nclient_secret={client_secret}")
            return
        server = serve(host=host, port=port, secret=secret, db=db)
        self.stdout.write(f"platform simulator on http://{host}:{port}/exchange/rows (control: POST /_control)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            rows = server.state.store.rows()
            self.stdout.write(f"received {len(rows)} rows, {server.state.store.duplicates} duplicates ignored")
