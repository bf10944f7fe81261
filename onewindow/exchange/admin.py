from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from onewindow.core.admin import ReadOnlyAdmin

from .models import ApiRequestLog, CodeMapping, OutboxRow, PlatformClient, PlatformProfile
from .services import outbox_replay


class CodeMappingInline(admin.TabularInline):
    model = CodeMapping
    extra = 0


@admin.register(PlatformProfile)
class PlatformProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "endpoint_url", "active", "batch_size", "max_attempts"]
    inlines = [CodeMappingInline]


@admin.register(OutboxRow)
class OutboxRowAdmin(admin.ModelAdmin):
    """The dead-letter view: filter by status "parked", read the error, replay."""

    list_display = ["id", "kind", "case_no", "status", "attempts", "next_attempt_at", "last_error", "profile"]
    list_filter = ["status", "kind", "profile"]
    search_fields = ["case_no", "guid"]
    list_select_related = ["profile"]
    readonly_fields = [f.name for f in OutboxRow._meta.fields]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Replay the selected parked rows"))
    def replay(self, request, queryset):
        count = outbox_replay(rows=queryset, actor=request.user)
        self.message_user(request, _("%(count)d rows re-queued.") % {"count": count}, messages.SUCCESS)


@admin.register(PlatformClient)
class PlatformClientAdmin(admin.ModelAdmin):
    """Clients are created with `onewindow platform client-create` (the secret is shown once)."""

    list_display = ["client_id", "name", "active", "rate_limit", "created_at"]
    readonly_fields = ["client_id", "secret_hash", "user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "method", "path", "status", "duration_ms"]
    list_filter = ["client", "status"]
    list_select_related = ["client"]
