"""A case started at the counter from a hall ticket: the hall app (above cases) provides, in its
AppConfig.ready(), how to read the applicant's ID number from the ticket a clerk is serving (to prefill the
intake) and how to link the filed case to that ticket (inside the intake's transaction). Cases never import
the hall; a project without the hall provider refuses a ticket loudly instead of dropping the link."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_ticket_id_number: Callable[..., str] | None = None
_ticket_link: Callable[..., object] | None = None


def ticket_origin_provide(*, id_number: Callable[..., str], link: Callable[..., object]) -> None:
    """`id_number(user, ticket_id)`: the ID number on the ticket `user` is serving, else "";
    `link(ticket_id=, case=, actor=)`: records the case on the ticket or raises a service error."""
    global _ticket_id_number, _ticket_link
    _ticket_id_number, _ticket_link = id_number, link


def _provided() -> tuple[Callable[..., str], Callable[..., object]]:
    if _ticket_id_number is None or _ticket_link is None:
        raise ImproperlyConfigured("No hall ticket provider: the hall app provides it in its AppConfig.ready() "
                                   "(cases.origins.ticket_origin_provide).")
    return _ticket_id_number, _ticket_link


def ticket_id_number(user, ticket_id: str) -> str:
    return _provided()[0](user, ticket_id) if ticket_id else ""


def ticket_link(*, ticket_id: str, case, actor) -> None:
    _provided()[1](ticket_id=ticket_id, case=case, actor=actor)
