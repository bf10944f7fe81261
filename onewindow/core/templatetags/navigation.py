"""`{% if "stats:dashboard"|may_open:user %}`: a menu shows only the pages the person may open. The answer
comes from the view's own `staff_required` roles (`allowed_roles`), so the menu and the guard cannot
disagree."""

from functools import cache

from django import template
from django.urls import resolve, reverse

register = template.Library()


@cache
def _roles_for(url_name: str) -> tuple[str, ...] | None:
    """The roles the view behind `url_name` admits (() for any staff member); None for a view without
    `staff_required`, which the menu treats as open to every staff member."""
    return getattr(resolve(reverse(url_name)).func, "allowed_roles", None)


@register.filter
def may_open(url_name: str, user) -> bool:
    if not getattr(user, "is_staff_member", False):
        return False
    roles = _roles_for(url_name)
    return not roles or user.has_role(*roles)
