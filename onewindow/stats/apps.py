from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "onewindow.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from onewindow.ratings.models import Complaint, Rectification

        from . import receivers  # noqa: F401
        from .monthcache import record_changed

        for model in (Complaint, Rectification):
            post_save.connect(record_changed, sender=model, dispatch_uid=f"monthcache-save-{model.__name__}")
            post_delete.connect(record_changed, sender=model, dispatch_uid=f"monthcache-delete-{model.__name__}")
