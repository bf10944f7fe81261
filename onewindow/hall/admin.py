"""Hall configuration in the admin: businesses with their hours, caps and time bands, the desks of windows
(businesses served, standby) and appointment slots. Tickets, appointments and queue events are read-only:
they change only through the services."""

from django.contrib import admin
from django.utils.translation import pgettext_lazy

from onewindow.core.masking import mask_id_number

from .models import (
    Appointment,
    AppointmentSlot,
    Business,
    BusinessHours,
    Desk,
    ExtendedHours,
    QueueEvent,
    Ticket,
    TimeBand,
)


class TimeBandInline(admin.TabularInline):
    model = TimeBand
    extra = 0


class BusinessHoursInline(admin.TabularInline):
    model = BusinessHours
    extra = 0


class ExtendedHoursInline(admin.TabularInline):
    model = ExtendedHours
    extra = 0


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "prefix", "opens_at", "closes_at", "daily_cap", "warn_after_minutes",
                    "standby_window", "active")
    list_filter = ("hall", "active")
    inlines = [BusinessHoursInline, TimeBandInline]


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ("window", "state", "standby", "opened_for")
    list_filter = ("state", "standby")
    filter_horizontal = ("businesses",)
    exclude = ("current", "opened_for")
    inlines = [ExtendedHoursInline]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ("date", "starts_at", "ends_at", "business", "window", "kind", "capacity")
    list_filter = ("kind", "business")
    date_hierarchy = "date"


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ("number", "business", "day", "state", "priority", "window", "clerk", "taken_at", "finished_at")
    list_filter = ("state", "priority", "business")
    date_hierarchy = "day"
    exclude = ("id_number", "token")
    readonly_fields = ("masked_id_number",)

    @admin.display(description=pgettext_lazy("hall", "ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly):
    list_display = ("code", "slot", "state", "booked_at")
    list_filter = ("state",)
    exclude = ("id_number",)


@admin.register(QueueEvent)
class QueueEventAdmin(ReadOnly):
    list_display = ("at", "kind", "ticket", "window", "actor")
    list_filter = ("kind", "hall")
