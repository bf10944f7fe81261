from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "onewindow.portal"
    label = "portal"
    verbose_name = _("Online service portal")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the notification receiver)
        from .progresscache import connect_signals

        connect_signals()
