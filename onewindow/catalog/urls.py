from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.guide_list, name="guide_list"),
    path("<str:code>/", views.guide_detail, name="guide_detail"),
    path("<str:code>/pdf", views.guide_pdf, name="guide_pdf"),
    path("<str:code>/forms/<str:kind>/<slug:material_key>/", views.guide_form, name="guide_form"),
]
