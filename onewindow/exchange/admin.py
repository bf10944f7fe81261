from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import audit_log
from onewindow.core.admin import ReadOnlyAdmin, WriteOnlySecretsForm, secret_state

from .models import ApiRequestLog, CodeMapping, OutboxRow, PlatformClient, PlatformProfile
from .services import outbox_replay

# Where rows go, how they are signed and who may call us are edited here, so every create, change and delete
# goes to the hash-chained audit log too (Django's LogEntry can be edited and records no values).
AUDIT_NAMES = {PlatformProfile: "profile", CodeMapping: "code_mapping", PlatformClient: "client"}
SECRET_FIELDS = {"secret", "secret_hash"}


def _audit(request, obj, verb: str, form=None) -> None:
    changes = {}
    for name in form.changed_data if form is not None else ():
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        changes[name] = "(changed)" if name in SECRET_FIELDS else [old, new]
    audit_log(action=f"exchange.{AUDIT_NAMES[type(obj)]}_{verb}", actor=request.user, obj=obj, changes=changes)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            _audit(request, obj, "changed" if change else "created", form)

    def delete_model(self, request, obj):
        _audit(request, obj, "deleted")  # before the row (and its pk) is gone
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the delete action, unlike the admin's views, runs outside a transaction
            for obj in queryset:
                _audit(request, obj, "deleted")
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                _audit(request, deleted.instance, "deleted")
        new = {f for f in formset.forms if f.instance.pk is None}
        super().save_formset(request, form, formset, change)
        for f in formset.forms:
            if f.has_changed() and f not in formset.deleted_forms:
                _audit(request, f.instance, "created" if f in new else "changed", f)


class CodeMappingInline(admin.TabularInline):
    model = CodeMapping
    extra = 0


class PlatformProfileForm(WriteOnlySecretsForm):
    secret_fields = ("secret",)


@admin.register(PlatformProfile)
class PlatformProfileAdmin(AuditedAdmin):
    form = PlatformProfileForm
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
class PlatformClientAdmin(AuditedAdmin):
    """Clients are created with `onewindow platform client-create` (the secret is shown once)."""

    list_display = ["client_id", "name", "active", "rate_limit", "created_at"]
    exclude = ["secret_hash"]
    readonly_fields = ["client_id", "secret_state", "user", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("client secret"))
    def secret_state(self, obj):
        return secret_state(obj.secret_hash)


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "method", "path", "status", "duration_ms"]
    list_filter = ["client", "status"]
    list_select_related = ["client"]
