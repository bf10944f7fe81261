"""Downloadable blank forms and samples named in the guides (材料的空白表格、示例样表).

The catalog stores the files (`GuideForm`); `guide_forms_generate` makes a simple PDF for every form or
sample a published guide names and that has no file yet. The PDF says on its face that it is a template
generated from the reference configuration, lists the item's form fields to fill in (the sample shows
where each goes) and leaves room for the signature and seal. A department replaces it with its official
file through `guide_form_store` (the admin's upload)."""

from pathlib import PurePath

from django.db import transaction

from onewindow.audit.services import audit_log
from onewindow.core.pdf import render_pdf
from onewindow.core.uploads import check_upload

from .models import GuideForm, Item

OBJECT = "catalog.guideform"


def _pdf_name(name: str) -> str:
    return f"{PurePath(name).stem}.pdf"


def guide_form_store(*, item: Item, material_key: str, kind: str, name: str, content: bytes, actor,
                     generated: bool = False) -> GuideForm:
    """Store (or replace) the file of one material's blank form or sample; content checked like uploads."""
    checked = check_upload(name=name, content=content)
    with transaction.atomic():
        form, _created = GuideForm.objects.select_for_update().get_or_create(
            item=item, material_key=material_key, kind=kind,
            defaults={"file_name": name, "content_type": checked.content_type, "data": checked.content})
        form.file_name, form.content_type, form.data, form.generated = name, checked.content_type, content, generated
        form.save()
        audit_log(action="catalog.guide_form_stored", actor=actor if getattr(actor, "pk", None) else None,
                  object_type=OBJECT, object_id=str(form.pk), object_repr=name,
                  changes={"item": item.code, "material": material_key, "kind": kind, "generated": generated,
                           "sha256": checked.sha256})
    return form


def guide_forms_generate(items=None) -> int:
    """Generate the missing template files of the published guides (all, or of `items`); returns how many."""
    items = items if items is not None else Item.objects.filter(current_version__isnull=False)
    made = 0
    for item in items.select_related("current_version").prefetch_related("current_version__materials",
                                                                         "current_version__form_fields"):
        version = item.current_version
        have = set(item.guide_forms.values_list("material_key", "kind"))
        for material in version.materials.all():
            for kind, named in ((GuideForm.Kind.BLANK, material.blank_form), (GuideForm.Kind.SAMPLE, material.sample)):
                if not named or (material.key, kind) in have:
                    continue
                pdf = render_pdf("catalog/form_template_pdf.html", {
                    "v": version, "material": material, "sample": kind == GuideForm.Kind.SAMPLE,
                    "fields": list(version.form_fields.all())})
                guide_form_store(item=item, material_key=material.key, kind=kind, name=_pdf_name(named),
                                 content=pdf, actor=None, generated=True)
                made += 1
    return made
