from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "OneWindow"

    def ready(self):
        from . import columns

        columns.connect()
