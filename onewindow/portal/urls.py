from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services_list, name="services"),
    path("signup/", views.signup, name="signup"),
    path("signup/person/", views.signup_person, name="signup_person"),
    path("signup/organisation/", views.signup_organisation, name="signup_organisation"),
    path("signin/", views.signin, name="signin"),
    path("apply/<str:code>/", views.apply_start, name="apply"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("my/cases/<str:case_no>/", views.case_page, name="case"),
    path("my/cases/<str:case_no>/edit/", views.case_edit, name="case_edit"),
    path("my/cases/<str:case_no>/autosave/", views.case_autosave, name="case_autosave"),
    path("my/cases/<str:case_no>/materials/<int:material_id>/", views.material_upload, name="material_upload"),
    path("my/cases/<str:case_no>/confirm/", views.case_confirm, name="case_confirm"),
    path("my/cases/<str:case_no>/receipt/", views.case_receipt, name="case_receipt"),
    path("my/cases/<str:case_no>/delivery/", views.case_delivery, name="case_delivery"),
    path("my/cases/<str:case_no>/documents/<int:pk>/", views.case_document, name="case_document"),
    path("my/cases/<str:case_no>/files/<int:pk>/", views.case_file, name="case_file"),
    path("my/certificates/", views.my_certificates, name="my_certificates"),
    path("my/certificates/<str:token>/pdf", views.certificate_download, name="certificate_download"),
    path("my/inbox/", views.inbox, name="inbox"),
    path("my/organisation/", views.my_organisation, name="my_organisation"),
    path("my/organisation/representative/", views.binding_representative, name="binding_representative"),
    path("staff/bindings/", views.bindings, name="bindings"),
    path("staff/bindings/<int:pk>/letter", views.binding_letter, name="binding_letter"),
    path("bindings/<int:pk>/review/", views.binding_review, name="binding_review"),
    path("progress/", views.progress_query, name="progress_query"),
    path("progress/complaint/<str:tracking_no>/", views.complaint_progress, name="complaint_progress"),
    # No trailing slash: the QR code on every notice points here (cases.conf.public_progress_url).
    path("progress/<str:case_no>", views.progress, name="progress"),
    path("progress/<str:case_no>/documents/<int:pk>/", views.progress_document, name="progress_document"),
]
