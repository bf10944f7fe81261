from django.contrib import admin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued, superseded, voided and revoked only through their services."""

    list_display = ["number", "kind", "organisation", "status", "issued_on", "valid_until", "print_count"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "organisation__name", "organisation__credit_code", "case_no"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
