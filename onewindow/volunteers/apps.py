from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "onewindow.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteer service")

    def ready(self):
        from onewindow.certificates.sharers import share_verification

        from .api import verify_response
        from .views import render_verification

        # 志愿服务记录证明 are verified at the licences' address.
        share_verification(page=render_verification, answer=verify_response)
