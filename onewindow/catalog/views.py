"""Public service guides (办事指南): no login needed, read-only."""

import re
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .guidepdf import guide_pdf_bytes
from .models import GuideForm, ItemType, OrgKind, ServiceObject
from .pagecache import cached_for_visitors
from .selectors import catalog_label, items_by_type, published_guide, published_items


@require_GET
@cached_for_visitors
def guide_list(request):
    """Public: the published items grouped by type, filtered by applicant kind, organisation kind and search."""
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "service_object": request.GET.get("service_object", "") if request.GET.get("service_object")
        in ServiceObject.values else "",
        "org_kind": request.GET.get("org_kind", "") if request.GET.get("org_kind") in OrgKind.values else "",
        "item_type": request.GET.get("item_type", "") if request.GET.get("item_type") in ItemType.values else "",
    }
    items = list(published_items(**filters))
    return render(request, "catalog/guide_list.html", {
        "groups": items_by_type(items),
        "count": len(items),
        "filters": filters,
        "service_objects": ServiceObject.choices,
        "org_kinds": OrgKind.choices,
        "item_types": ItemType.choices,
        "catalog_label": catalog_label(),
    })


def _guide_or_404(code: str):
    version = published_guide(code)
    if version is None:
        raise Http404
    return version


@require_GET
@cached_for_visitors
def guide_detail(request, code: str):
    """Public: every element of one item's service guide; prints on A4."""
    return render(request, "catalog/guide_detail.html", {"v": _guide_or_404(code), "catalog_label": catalog_label()})


@require_GET
def guide_pdf(request, code: str):
    """Public: the service guide as a PDF with embedded Chinese fonts, rendered once per published version."""
    version = _guide_or_404(code)
    response = HttpResponse(guide_pdf_bytes(version), content_type="application/pdf")
    safe_code = re.sub(r"[^A-Za-z0-9_-]", "_", version.item.code)
    response["Content-Disposition"] = f'inline; filename="guide-{safe_code}.pdf"'
    return response


@require_GET
def guide_form(request, code: str, kind: str, material_key: str):
    """Public: a blank form or sample named in the guide, as stored in the catalog."""
    version = _guide_or_404(code)
    form = GuideForm.objects.filter(item=version.item, kind=kind, material_key=material_key).first()
    if form is None:
        raise Http404
    response = HttpResponse(bytes(form.data), content_type=form.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(form.file_name)}"
    return response
