from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/signup/", views.signup, name="signup"),
    path("photos/<int:pk>", views.photo, name="photo"),
    path("checkin/<str:code>/", views.checkin, name="checkin"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("me/teams/<int:pk>/join/", views.join_team, name="join_team"),
    path("me/participations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("me/certificates/new/", views.certificate_request, name="certificate_request"),
    path("me/certificates/<str:token>/pdf", views.certificate_download, name="certificate_download"),
    path("manage/", views.manage, name="manage"),
    path("manage/activities/new/", views.activity_new, name="activity_new"),
    path("manage/activities/<int:pk>/", views.manage_activity, name="manage_activity"),
    path("manage/activities/<int:pk>/add/", views.add_volunteer, name="add_volunteer"),
    path("manage/activities/<int:pk>/record/", views.record, name="record"),
    path("manage/participations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("manage/participations/<int:pk>/correct/", views.correct, name="correct"),
    path("manage/activities/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/memberships/<int:pk>/decide/", views.decide_membership, name="decide_membership"),
    path("manage/memberships/<int:pk>/entries/", views.add_entry, name="add_entry"),
]
