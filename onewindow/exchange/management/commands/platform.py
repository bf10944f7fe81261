from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.context import audit_context
from onewindow.core.errors import ServiceError
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.services import profile_connect
from onewindow.exchange.simulator import serve


class Command(BaseCommand):
    help = ("`platform simulate --port 8100`: run a provincial-platform simulator that stores what it is sent; "
            "`platform client-create ID --name N --scopes cases:create,cases:read`: register an API client; "
            "`platform connect PROFILE --endpoint URL [--ack-url URL] [--secret S] [--off]`: point a reporting "
            "profile at a platform and switch it on (or off).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["simulate", "client-create", "connect"])
        parser.add_argument("client_id", nargs="?", help="client-create: the client id; connect: the profile name")
        parser.add_argument("--name", default="")
        parser.add_argument("--scopes", default="cases:create,cases:read,catalog:read")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--secret", default="", help="shared secret; signatures are checked when given")
        parser.add_argument("--db", default=":memory:", help="SQLite file to keep received rows in")
        parser.add_argument("--endpoint", default="", help="connect: the platform's receiving URL")
        parser.add_argument("--ack-url", default="", help="connect: the platform's acknowledgement query URL")
        parser.add_argument("--off", action="store_true", help="connect: switch the profile off")

    def handle(self, *args, action, host, port, secret, db, client_id, name, scopes, endpoint, ack_url, off,
               **options):
        if action == "connect":
            if not client_id:
                raise CommandError("connect needs a profile name, e.g. gbt39046")
            try:
                with audit_context(source="cli"):
                    profile = profile_connect(name=client_id, endpoint_url=endpoint, ack_url=ack_url, secret=secret,
                                              active=not off)
            except (ServiceError, ValidationError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{profile.name}: {'on' if profile.active else 'off'}, endpoint {profile.endpoint_url}")
            return
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
