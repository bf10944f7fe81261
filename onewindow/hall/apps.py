from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "onewindow.hall"
    label = "hall"
    verbose_name = _("Service hall queue")

    def ready(self):
        from onewindow.cases.origins import ticket_origin_provide

        from .selectors import serving_id_number
        from .services import ticket_link_case

        # The counter intake prefills from the ticket being served and links the case to it.
        ticket_origin_provide(id_number=serving_id_number, link=ticket_link_case)
