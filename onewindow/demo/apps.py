from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demonstration data and benchmark loaders. Sits above the domain apps: it drives their services and
    writes their tables; nothing in the domain apps imports it."""

    name = "onewindow.demo"
    label = "demo"
    verbose_name = "OneWindow demo"
