"""Administration: teams (created and changed through the services, so audited); everything else is
read-only here, because attendance, hours and certificates change only through their services."""

from django.contrib import admin

from onewindow.accounts.models import User

from . import services
from .models import Activity, Correction, Participation, RecordCertificate, Team, Volunteer


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_name", "contact"]
    fields = ["name", "organisation", "unit_name", "contact", "description", "managers"]
    filter_horizontal = ["managers"]
    raw_id_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers":
            kwargs["queryset"] = User.objects.filter(kind=User.Kind.STAFF, is_active=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        details = {k: data[k] for k in ("name", "unit_name", "contact", "description")}
        if change:
            services.team_update(team=obj, actor=request.user, managers=data["managers"], **details)
        else:
            obj.pk = services.team_create(organisation=data["organisation"], managers=data["managers"],
                                          actor=request.user, **details).pk

    def save_related(self, request, form, formsets, change):
        pass  # the managers were saved by the service, with the audit entry


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnly):
    list_display = ["__str__", "skills", "registered_at"]
    exclude = ["guardian_mobile"]


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ["title", "team", "starts_at", "place", "status"]
    list_filter = ["team"]
    exclude = ["checkin_code"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnly):
    list_display = ["volunteer", "activity", "status", "hours"]
    list_select_related = ["volunteer__user", "activity"]


@admin.register(Correction)
class CorrectionAdmin(ReadOnly):
    list_display = ["participation", "reason", "actor", "at"]


@admin.register(RecordCertificate)
class RecordCertificateAdmin(ReadOnly):
    list_display = ["number", "volunteer", "team", "total_hours", "issued_on"]
    exclude = ["printed", "signature"]
