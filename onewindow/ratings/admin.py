"""Read-only admin views: every change goes through the services (and their audit), not the admin."""

from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin as ReadOnly

from .models import Appeal, Complaint, Rating, Rectification, Urging


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("case", "level", "channel", "attempt", "rated_at", "superseded", "excluded")
    list_filter = ("level", "channel", "excluded")
    list_select_related = ("case",)
    date_hierarchy = "rated_at"


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = ("case", "unit_name", "state", "visit_due", "rectify_due", "outcome")
    list_filter = ("state", "outcome")
    list_select_related = ("case",)


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ("rectification", "state", "filed_by", "filed_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("rectification", "filed_by", "decided_by")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnly):
    # No names or mobiles here: an anonymous reporter's identity is for the supervisors' pages only.
    list_display = ("tracking_no", "kind", "category", "state", "due_on", "department")
    list_filter = ("kind", "state", "category")
    list_select_related = ("department",)
    exclude = ("person_name", "person_mobile")


@admin.register(Urging)
class UrgingAdmin(ReadOnly):
    list_display = ("subject", "to_user", "created_by", "created_at", "acknowledged_at")
    list_select_related = ("to_user", "created_by")
