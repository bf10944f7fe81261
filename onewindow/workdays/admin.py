"""Admin pages for the calendar: overrides (with the notice import), confirmed years and warning
policies. Administrators only; every save goes through `services`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import Role
from onewindow.core.admin import ReadOnlyAdmin
from onewindow.core.errors import ValidationFailed

from . import services
from .models import NoticeYear, WarningPolicy, WorkdayOverride

MAX_NOTICE_BYTES = 64 * 1024


def is_administrator(request) -> bool:
    return request.user.is_active and request.user.has_role(Role.ADMINISTRATOR)


class AdministratorOnly:
    """Calendar data is legal data: only administrators see or change it."""

    def has_module_permission(self, request):
        return is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    def has_add_permission(self, request):
        return is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request)


class NoticeForm(forms.Form):
    file = forms.FileField(label=_("Notice file"), required=False,
                           help_text=_("UTF-8 text in the notice format; see docs/workdays.md."))
    text = forms.CharField(label=_("Or paste the notice"), required=False,
                           widget=forms.Textarea(attrs={"rows": 12, "cols": 80}))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_NOTICE_BYTES:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the notice."))
        try:
            data["notice"] = services.notice_parse(data["text"])
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None
        return data


class OverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_working", "note"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        try:
            services.check_override_day(day)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None
        return day


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AdministratorOnly, admin.ModelAdmin):
    form = OverrideForm
    list_display = ["date", "is_working", "note", "created_by", "created_at"]
    list_filter = ["is_working"]
    list_select_related = ["created_by"]
    search_fields = ["note"]
    date_hierarchy = "date"
    fields = ["date", "is_working", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    change_list_template = "admin/workdays/workdayoverride/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # The date is the row's identity: change another date by deleting and adding.
        return [*self.readonly_fields, "date"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = services.override_set(day=obj.date, is_working=obj.is_working, note=obj.note, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.override_delete(day=obj.date, actor=request.user)

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("date", flat=True):
            services.override_delete(day=day, actor=request.user)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="workdays_workdayoverride_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload or paste a notice, see what it changes, then confirm."""
        if not is_administrator(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Import a State Council holiday notice")}
        form = NoticeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            notice = form.cleaned_data["notice"]
            if "confirm" in request.POST:
                diff = services.notice_import(notice=notice, actor=request.user)
                messages.success(request, _("Notice for %(year)d imported: %(days)d days changed.")
                                 % {"year": notice.year, "days": len(diff.changes)})
                return redirect(reverse("admin:workdays_workdayoverride_changelist"))
            context.update(diff=services.notice_diff(notice), notice_text=form.cleaned_data["text"])
        context["form"] = form
        return TemplateResponse(request, "admin/workdays/notice_import.html", context)


@admin.register(NoticeYear)
class NoticeYearAdmin(AdministratorOnly, ReadOnlyAdmin):
    """Confirmed years come from notice imports only."""

    list_display = ["year", "created_by", "created_at"]
    list_select_related = ["created_by"]


@admin.register(WarningPolicy)
class WarningPolicyAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ["kind", "yellow_share", "yellow_days", "updated_at"]
    fields = ["kind", "yellow_share", "yellow_days"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.policy_update(kind=obj.kind, yellow_share=obj.yellow_share, yellow_days=obj.yellow_days,
                               actor=request.user)
