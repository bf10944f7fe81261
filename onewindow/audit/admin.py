from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, so the admin can look but never add, change or delete."""

    list_display = ["at", "action", "actor_label", "object_repr", "source", "client_ip"]
    list_filter = ["source", "action"]
    search_fields = ["action", "object_id", "object_repr", "actor_label"]
    date_hierarchy = "at"
