"""Read-only admin views of cases: every change goes through the services (and the audit chain)."""

from django.contrib import admin

from .models import Case, CaseDocument, CaseMaterial, CasePause, CaseStep


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    fields = ["name", "action", "handler_name", "opinion", "ended_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ["case_no", "applicant_name", "state", "channel", "promised_due", "created_at"]
    list_filter = ["state", "channel", "result_kind"]
    search_fields = ["case_no", "applicant_name"]
    list_select_related = ["item_version"]
    exclude = ["id_number", "agent_id_number", "collector_id_number"]  # personal data stays masked
    inlines = [StepInline]


admin.site.register([CaseMaterial, CasePause, CaseDocument], ReadOnly)
