from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "onewindow.ratings"
    label = "ratings"
    verbose_name = _("Ratings, complaints and supervision")

    def ready(self):
        from onewindow.cases.documents import rating_link_provide

        from . import receivers  # noqa: F401
        from .services import rating_url

        rating_link_provide(rating_url)  # the QR code on every result notice
