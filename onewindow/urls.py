from django.contrib import admin
from django.urls import include, path

from onewindow.api import api
from onewindow.core.views import healthz, livez

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("", include("onewindow.operations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("onewindow.accounts.urls")),
    path("guide/", include("onewindow.catalog.urls")),
    path("workbench/", include("onewindow.cases.urls")),
    path("verify/", include("onewindow.certificates.urls")),
    path("organisations/", include("onewindow.registry.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ratings/", include("onewindow.ratings.urls")),
    path("stats/", include("onewindow.stats.urls")),
    path("hall/", include("onewindow.hall.urls")),
    path("evaluations/", include("onewindow.evaluations.urls")),
    path("volunteers/", include("onewindow.volunteers.urls")),
    path("", include("onewindow.portal.urls")),
    path("", include("onewindow.core.urls")),
]
