from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("public-key.pem", views.public_key, name="public_key"),
    path("staff/<str:token>/pdf", views.certificate_download, name="download"),
    path("staff/<str:token>/reprint", views.certificate_reprint, name="reprint"),
    path("staff/<str:token>/void", views.certificate_void_view, name="void"),
    path("<str:token>", views.verify_page, name="verify"),
]
