"""Tokens printed on paper and typed at a shell (certificate and volunteer-certificate verification)."""
import secrets


def printable_token(nbytes: int = 18) -> str:
    """A URL-safe random token that does not start with "-", which a command line would read as an option
    (`onewindow certificate export -abc…` fails) and a reader can mistake for a dash on paper."""
    while True:
        token = secrets.token_urlsafe(nbytes)
        if not token.startswith("-"):
            return token
