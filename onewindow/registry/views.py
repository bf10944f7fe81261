"""The public register search, and staff pages: organisation record, credit-code overrides, import, export."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.models import Role
from onewindow.accounts.permissions import staff_required
from onewindow.certificates.selectors import certificates_of
from onewindow.core.errors import ServiceError
from onewindow.core.ratelimit import rate_limited

from .identifiers import check_uscc
from .importer import export_rows, read_rows
from .models import Organisation, UsccOverride
from .selectors import organisation_history, organisation_search
from .services import organisations_import, uscc_override_record
from .validation import item_label


@require_GET
def search(request):
    """Anyone, no login: search by name or credit code; only the public fields are shown."""
    if rate_limited(request, "organisations"):
        return render(request, "certificates/rate_limited.html", status=429)
    q = request.GET.get("q", "").strip()[:100]
    results = list(organisation_search(q)) if q else []
    return render(request, "registry/search.html", {"q": q, "results": results})


@staff_required()
@require_GET
def detail(request, credit_code: str):
    """Any staff member: the full record with its history, charters and certificates."""
    organisation = get_object_or_404(Organisation, credit_code=credit_code.upper())
    return render(request, "registry/detail.html", {
        "organisation": organisation, "capital_label": item_label("registered_capital", organisation.kind),
        "history": list(organisation_history(organisation)),
        "charters": list(organisation.charters.order_by("-number")),
        "certificates": list(certificates_of(organisation)),
        "is_administrator": request.user.has_role(Role.ADMINISTRATOR),
    })


class OverrideForm(forms.Form):
    code = forms.CharField(label=_("Unified social credit code"), max_length=18, min_length=18)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


@staff_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def overrides(request):
    """Administrators: accept a real credit code whose check character fails (audited)."""
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            uscc_override_record(code=form.cleaned_data["code"], reason=form.cleaned_data["reason"],
                                 actor=request.user)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The override is recorded."))
            return redirect("registry:overrides")
    check = check_uscc(form.data.get("code", "")) if form.is_bound else None
    return render(request, "registry/overrides.html", {
        "form": form, "check": check,
        "overrides": UsccOverride.objects.select_related("created_by").order_by("-created_at")[:100],
    })


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Register file (.xlsx or .csv)"))


@staff_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def import_register(request):
    """Administrators: load an existing register; every bad row is listed and nothing is saved."""
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = organisations_import(rows=read_rows(upload.read(), upload.name), actor=request.user)
        except ServiceError as exc:
            form.add_error(None, exc.message)
            row_errors = exc.details.get("rows", [])
        else:
            messages.success(request, _("%(n)d organisations imported.") % {"n": len(created)})
            return redirect("registry:import")
    return render(request, "registry/import.html", {"form": form, "row_errors": row_errors})


@staff_required()
@require_GET
def export_register(request, fmt: str):
    """Any staff member: the whole register in the import layout."""
    content = export_rows(Organisation.objects.order_by("credit_code").iterator(), fmt)
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="register.{fmt}"'
    return response
