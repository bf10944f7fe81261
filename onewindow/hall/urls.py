from django.urls import path

from . import views

app_name = "hall"
urlpatterns = [
    path("kiosk/", views.kiosk, name="kiosk"),
    path("take/", views.kiosk, {"channel": "portal"}, name="take"),
    path("book/", views.book, name="book"),
    path("t/<str:token>/", views.ticket_page, name="ticket"),
    path("t/<str:token>/receipt.pdf", views.ticket_receipt, name="receipt"),
    path("display/", views.display, name="display"),
    path("display/feed.json", views.display_feed, name="display_feed"),
    path("windows/<int:pk>/display/", views.window_display, name="window_display"),
    path("windows/<int:pk>/feed.json", views.window_feed, name="window_feed"),
    path("desk/", views.desk, name="desk"),
    path("desk/<str:action>/", views.desk_act, name="desk_act"),
    path("figures/", views.figures, name="figures"),
    path("", views.overview, name="overview"),
]
