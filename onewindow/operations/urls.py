from django.urls import path

from .views import metrics_view, readyz

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("readyz", readyz, name="readyz"),
]
