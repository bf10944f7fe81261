"""Read-only admin views: every change goes through the services (and their audit), not the admin."""

from django.contrib import admin

from onewindow.core.admin import ReadOnlyAdmin as ReadOnly

from .models import Evaluation, Evidence, Indicator, Programme, Zone


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ("name", "division", "starts_on", "ends_on", "excellent_from", "pass_from")
    list_select_related = ("division",)


@admin.register(Zone)
class ZoneAdmin(ReadOnly):
    list_display = ("name", "programme", "bureau", "theme")
    list_select_related = ("programme", "bureau")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = ("code", "name", "programme", "stage", "weight", "max_score")
    list_filter = ("stage",)
    list_select_related = ("programme",)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly):
    list_display = ("title", "zone", "kind", "created_at")
    list_filter = ("kind",)
    list_select_related = ("zone",)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly):
    list_display = ("zone", "stage", "state", "total", "conclusion", "report_no")
    list_filter = ("stage", "state", "conclusion")
    list_select_related = ("zone",)
