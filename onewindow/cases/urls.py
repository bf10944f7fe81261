from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("cases/<str:case_no>/", views.case_page, name="case"),
    path("cases/<str:case_no>/act/<str:action>/", views.case_act, name="act"),
    # The correction of the form data (`form_correct`) kept its address from before it was a declared action.
    path("cases/<str:case_no>/correct/", views.case_act, {"action": "form_correct"}, name="correct"),
    path("cases/<str:case_no>/materials/<int:material_id>/", views.case_material, name="material"),
    path("cases/<str:case_no>/documents/<int:pk>/", views.case_document, name="document"),
    path("cases/<str:case_no>/files/<int:pk>/", views.material_file, name="file"),
]
