"""Read-only admin views of the portal's records: changes go through the services (audited)."""

from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import ApplicantProfile, DeliveryChoice, Notification


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "organisation_name", "credit_code", "mobile_verified_at"]
    list_filter = ["kind"]
    search_fields = ["organisation_name", "credit_code", "user__full_name"]
    list_select_related = ["user"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "event", "text", "read_at"]
    list_filter = ["event"]
    list_select_related = ["user"]


@admin.register(DeliveryChoice)
class DeliveryChoiceAdmin(ReadOnlyAdmin):
    list_display = ["case", "method", "slot_date", "slot_period", "updated_at"]
    list_filter = ["method", "slot_date"]
    list_select_related = ["case"]
