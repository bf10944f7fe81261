from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "onewindow.exchange"
    label = "exchange"
    verbose_name = _("Provincial platform exchange")

    def ready(self):
        from . import receivers  # noqa: F401  (the outbox rows of every case action)
