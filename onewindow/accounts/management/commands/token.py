from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.auth import token_create, token_revoke
from onewindow.accounts.models import ApiToken, User
from onewindow.audit.context import audit_context


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME [--name N]` prints a new token; `token revoke PREFIX`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("target", nargs="?", help="username (create, list) or token prefix (revoke)")
        parser.add_argument("--name", default="")

    def handle(self, *args, action, target, name, **options):
        with audit_context(source="cli"):
            if action == "create":
                user = User.objects.filter(username=target).first()
                if user is None:
                    raise CommandError(f"no such user: {target}")
                self.stdout.write(token_create(user=user, name=name))
            elif action == "revoke":
                token = ApiToken.objects.filter(prefix=target).first()
                if token is None:
                    raise CommandError(f"no token with prefix {target}")
                token_revoke(token=token)
                self.stdout.write(f"revoked {target}")
            else:
                tokens = ApiToken.objects.select_related("user")
                for t in tokens.filter(user__username=target) if target else tokens:
                    state = "revoked" if t.revoked_at else "active"
                    self.stdout.write(f"{t.prefix}\t{t.user.username}\t{t.name}\t{state}")
