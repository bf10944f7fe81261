from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("overrides/", views.overrides, name="overrides"),
    path("import/", views.import_register, name="import"),
    path("export.xlsx", views.export_register, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export_register, {"fmt": "csv"}, name="export_csv"),
    path("<str:credit_code>/", views.detail, name="detail"),
]
