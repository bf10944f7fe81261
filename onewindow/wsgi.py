import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
application = get_wsgi_application()

# Fail at start, not at the first request, when production runs without SECRET_KEY.
if not settings.SECRET_KEY:  # (Django raises here itself when the key is empty)
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
