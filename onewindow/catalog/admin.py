"""Administrators edit the catalog here; every save and action goes through catalog.services.

Django admin access is limited to the administrator role (accounts.services.staff_upsert sets is_staff).
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import audit_log
from onewindow.core.errors import ServiceError
from onewindow.core.uploads import check_upload

from .content import CHILDREN, CONTENT_FIELDS
from .forms_files import guide_form_store
from .models import (
    FAQ,
    CatalogInfo,
    FlowStep,
    FormField,
    GuideForm,
    Item,
    ItemVersion,
    Material,
    SearchSynonym,
)
from .services import (
    catalog_label_set,
    item_create,
    item_update,
    synonym_delete,
    synonym_errors,
    synonym_set,
    version_draft_create,
    version_draft_delete,
    version_publish,
    version_update,
)


class DraftOnlyInline(admin.TabularInline):
    """Child rows are editable only while their version is a draft."""

    extra = 0

    def _editable(self, obj):
        return obj is None or obj.status == ItemVersion.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class MaterialInline(DraftOnlyInline):
    model = Material
    fields = ["order", "key", "name", "source", "issuer", "originals", "copies", "form", "required", "secondary",
              "blank_form", "sample"]


class FlowStepInline(DraftOnlyInline):
    model = FlowStep


class FAQInline(DraftOnlyInline):
    model = FAQ


class FormFieldInline(DraftOnlyInline):
    model = FormField


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "current_name", "basic_code", "is_active"]
    list_select_related = ["current_version"]
    list_filter = ["is_active", "current_version__item_type", "current_version__route"]
    search_fields = ["code", "basic_code", "current_version__name"]
    fields = ["code", "basic_code", "is_active", "current_version"]
    readonly_fields = ["current_version"]

    @admin.display(description=_("item name"))
    def current_name(self, obj):
        return obj.current_version.name if obj.current_version else "—"

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            item_update(item=obj, actor=request.user, basic_code=obj.basic_code, is_active=obj.is_active)
        else:
            created = item_create(code=obj.code, basic_code=obj.basic_code, actor=request.user)
            obj.pk = created.pk
            if not obj.is_active:
                item_update(item=created, actor=request.user, is_active=False)

    def has_delete_permission(self, request, obj=None):
        return False  # cases refer to items; withdraw an item with "active" instead


class ItemVersionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("item")
        if self.instance.pk is None and item and item.versions.filter(status=ItemVersion.Status.DRAFT).exists():
            raise forms.ValidationError(_("This item already has a draft; edit that draft instead."))
        return cleaned


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    form = ItemVersionForm
    list_display = ["item", "name", "number", "status", "item_type", "route", "published_at"]
    list_select_related = ["item", "item__current_version"]
    list_filter = ["status", "item_type", "route"]
    search_fields = ["item__code", "name"]
    inlines = [MaterialInline, FlowStepInline, FAQInline, FormFieldInline]
    actions = ["publish", "new_draft"]
    fields = ["item", "number", "status", "published_at", "published_by", *CONTENT_FIELDS]
    readonly_fields = ["number", "status", "published_at", "published_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if obj.status != ItemVersion.Status.DRAFT:
            return self.fields
        return [*self.readonly_fields, "item"]

    def has_change_permission(self, request, obj=None):
        # Published and retired versions are shown read-only.
        return (obj is None or obj.status == ItemVersion.Status.DRAFT) and super().has_change_permission(
            request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == ItemVersion.Status.DRAFT and super().has_delete_permission(
            request, obj)

    def delete_model(self, request, obj):
        version_draft_delete(version=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for version in queryset:
            version_draft_delete(version=version, actor=request.user)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in CONTENT_FIELDS if name in form.cleaned_data}
        try:
            if change:
                saved = version_update(version=obj, actor=request.user, data=data)
            else:
                # The child lists come from the inlines on this form, not from the published version.
                saved = version_draft_create(item=obj.item, actor=request.user,
                                             data={**data, **{name: [] for name in CHILDREN}})
        except ServiceError as exc:
            # The admin view runs in a transaction: show why and let it roll back.
            details = exc.details.get("errors") or exc.details.get("violations") or []
            raise ValueError(f"{exc.message} {' '.join(map(str, details))}") from exc
        obj.pk, obj.number = saved.pk, saved.number

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [fs.model._meta.model_name for fs in formsets if fs.has_changed()]
        if changed:
            audit_log(action="catalog.draft_children_edited", actor=request.user, obj=form.instance,
                      changes={"lists": changed})

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        for version in queryset.select_related("item"):
            try:
                version_publish(version=version, actor=request.user)
            except ServiceError as exc:
                problems = exc.details.get("violations", [])
                text = f"{version}：{exc.message} {'；'.join(problems)}"
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, gettext("Published %(version)s.") % {"version": version},
                                  messages.SUCCESS)

    @admin.action(description=_("New draft from the published version"), permissions=["change"])
    def new_draft(self, request, queryset):
        for version in queryset.select_related("item"):
            try:
                draft = version_draft_create(item=version.item, actor=request.user)
            except ServiceError as exc:
                self.message_user(request, f"{version}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, gettext("Created draft %(version)s.") % {"version": draft},
                                  messages.SUCCESS)


@admin.register(CatalogInfo)
class CatalogInfoAdmin(admin.ModelAdmin):
    list_display = ["label", "updated_at"]
    fields = ["label"]

    def has_add_permission(self, request):
        return not CatalogInfo.objects.exists() and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            saved = catalog_label_set(label=obj.label, actor=request.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class SearchSynonymForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        for field, message in synonym_errors(cleaned.get("term") or self.instance.term,
                                             " ".join((cleaned.get("matches") or "").split())).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Administrators keep the words people search with; every change goes through the service (audited)."""

    form = SearchSynonymForm
    list_display = ["term", "matches"]
    search_fields = ["term", "matches"]

    def get_readonly_fields(self, request, obj=None):
        return ["term"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = synonym_set(term=obj.term, matches=obj.matches, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        synonym_delete(term=obj.term, actor=request.user)

    def delete_queryset(self, request, queryset):
        for term in queryset.values_list("term", flat=True):
            synonym_delete(term=term, actor=request.user)


class GuideFormForm(forms.ModelForm):
    upload = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    class Meta:
        model = GuideForm
        fields = ["item", "material_key", "kind"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            try:
                check_upload(name=upload.name, content=upload.read())
            except ServiceError as exc:
                self.add_error("upload", str(exc.message))
            upload.seek(0)
        return cleaned


@admin.register(GuideForm)
class GuideFormAdmin(admin.ModelAdmin):
    """The blank forms and samples the guides link to: replace a generated template with the official file."""

    form = GuideFormForm
    list_display = ["item", "material_key", "kind", "file_name", "generated", "stored_at"]
    list_filter = ["kind", "generated"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        saved = guide_form_store(item=obj.item, material_key=obj.material_key, kind=obj.kind, name=upload.name,
                                 content=upload.read(), actor=request.user)
        obj.pk = saved.pk
