from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_page, name="programme"),
    path("programmes/<int:pk>/act/<str:action>/", views.programme_act, name="programme_act"),
    path("zones/<int:pk>/", views.zone_page, name="zone"),
    path("zones/<int:pk>/act/<str:action>/", views.zone_act, name="zone_act"),
    path("evidence/<int:pk>/v<int:version>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/", views.evaluation_page, name="evaluation"),
    path("<int:pk>/act/<str:action>/", views.evaluation_act, name="act"),
    path("<int:pk>/visits/<int:visit>/photos/", views.visit_photo, name="visit_photo"),
    path("<int:pk>/photos/<int:photo>/", views.visit_photo_file, name="visit_photo_file"),
    path("<int:pk>/report.pdf", views.report, name="report"),
    path("<int:pk>/survey-qr/", views.survey_qr, name="survey_qr"),
    path("innovations/", views.innovations, name="innovations"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
