from unittest import mock

from onewindow.core.tokens import printable_token


def test_a_token_never_starts_with_a_dash():
    """CI once failed when a certificate token began with "-" and the CLI read it as an option."""
    with mock.patch("onewindow.core.tokens.secrets.token_urlsafe", side_effect=["-abc", "--x", "abc-"]):
        assert printable_token() == "abc-"
