from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("rate/<str:case_no>/", views.rate, name="rate"),
    path("pad/", views.pad, name="pad"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<str:tracking_no>/", views.complaint_detail, name="complaint"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("board/", views.board, name="board"),
    path("board/urge/", views.urge, name="urge"),
    path("inbox/", views.inbox, name="inbox"),
]
