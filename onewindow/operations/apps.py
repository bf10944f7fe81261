from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "onewindow.operations"
    verbose_name = "Operations"
