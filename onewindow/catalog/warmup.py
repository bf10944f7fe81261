"""Guide pages rendered into a new web worker's memory before it serves, so that its first visitors do not
wait for them (a cold worker served the guide page at 27% of the hello view while it rendered them; issue 19).

Each page is fetched through the whole middleware stack, as an anonymous visitor's request in the
installation's default language, so it is filed in `pagecache` under exactly the key a visitor's request
looks up. `onewindow/gunicorn_conf.py` calls it when a worker starts (the served configuration only).
"""

import time

from django.conf import settings
from django.urls import reverse

BUDGET_SECONDS = 10.0  # a catalog of thousands of items is warmed in part; the rest on first visit


def _host() -> str:
    return next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if "*" not in host), "localhost")


def guide_pages_warm_up(*, budget_seconds: float = BUDGET_SECONDS) -> int:
    """Fetch the guide list and every published item's guide page once; returns how many answered 200."""
    from django.test import Client

    from .models import Item

    client = Client(HTTP_HOST=_host())
    codes = Item.objects.filter(is_active=True, current_version__isnull=False).order_by("code")
    paths = [reverse("catalog:guide_list")] + [reverse("catalog:guide_detail", args=[code])
                                               for code in codes.values_list("code", flat=True)]
    deadline, kept = time.monotonic() + budget_seconds, 0
    for path in paths:
        if time.monotonic() > deadline:
            break
        kept += client.get(path, secure=True).status_code == 200
    return kept
