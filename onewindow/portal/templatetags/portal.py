from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args):
    """The URL of `name`, or "" while the app that provides it (e.g. ratings) does not define it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
