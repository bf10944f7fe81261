from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, so the admin can look but never add, change or delete."""

    list_display = ["at", "action", "actor_label", "object_repr", "source", "client_ip"]
    list_filter = ["source", "action"]
    search_fields = ["action", "object_id", "object_repr", "actor_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
