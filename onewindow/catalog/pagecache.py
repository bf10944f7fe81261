"""Whole public guide pages, kept for anonymous visitors until the catalog changes.

Guides are the most-read pages and change only when an administrator edits or publishes. A page is stored
in this process's memory (the `pages` cache) under the catalog's *generation* (core/generations.py), which
any saved or deleted catalog row replaces, at once and again when its transaction commits. Each web process reads the shared generation at most every `LOCAL_SECONDS` (a read per request cost
as much as serving the page), so another process shows a change within that time; the process that made
the change shows it at once. Nothing is ever purged by hand. Signed-in people get the page rendered as
usual: it shows their name and menu.
"""

import hashlib
import time
from functools import wraps

from django.apps import apps
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from onewindow.core import generations

GENERATION_KEY = "catalog:generation"
PAGE_SECONDS = 3600
LOCAL_SECONDS = 2.0
_seen = {"value": None, "until": 0.0}  # this process's last read of the shared generation


def generation() -> int:
    now = time.monotonic()
    if _seen["value"] is not None and now < _seen["until"]:
        return _seen["value"]
    value = generations.current([GENERATION_KEY])[GENERATION_KEY]
    _seen.update(value=value, until=now + LOCAL_SECONDS)
    return value


def _forget() -> None:
    _seen.update(value=None, until=0.0)  # this process reads the new generation at once


def catalog_changed(**kwargs) -> None:
    generations.replace([GENERATION_KEY], then=_forget)


def connect_signals() -> None:
    for model in apps.get_app_config("catalog").get_models():
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")


def cached_for_visitors(view):
    """Serve the view's 200 answers from memory to visitors who are not signed in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"guide:{generation()}:{get_language()}:{request.COOKIES.get('elder') == '1'}:{path}"
        pages = caches["pages"]
        response = pages.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                pages.set(key, response, PAGE_SECONDS)
        return response

    return wrapped
