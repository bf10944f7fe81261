from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Read-only: certificates are issued, superseded, voided and revoked only through their services."""

    list_display = ["number", "kind", "organisation", "status", "issued_on", "valid_until", "print_count"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "organisation__name", "organisation__credit_code", "case_no"]
    list_select_related = ["organisation"]
