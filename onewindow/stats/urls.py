from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("results/", views.public_results, name="public"),
    path("report/<str:month>.pdf", views.monthly_report, name="monthly_report"),
    path("export.xlsx", views.export_xlsx, name="export"),
]
