from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    label = "catalog"
    verbose_name = _("Item catalog")

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
