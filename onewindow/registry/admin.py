from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import CharterVersion, Organisation, OrganisationVersion, UsccOverride


class VersionInline(admin.TabularInline):
    model = OrganisationVersion
    fields = ["number", "action", "valid_from", "valid_to", "case_no", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "status", "established_on"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    inlines = [VersionInline]


@admin.register(CharterVersion)
class CharterVersionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "number", "approved_on", "case_no"]
    list_select_related = ["organisation"]


@admin.register(UsccOverride)
class UsccOverrideAdmin(ReadOnlyAdmin):
    list_display = ["code", "created_by", "created_at"]
    list_select_related = ["created_by"]
