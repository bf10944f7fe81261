"""Downloads of a case: notice PDFs (rendered from the document's snapshot on first download and cached
with it) and uploaded material files. Callers check who may see the case first."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse

from onewindow.core.pdf import links_key, qr_data_uri, render_pdf

from .models import Case, CaseDocument, MaterialFile
from .notices import render_context

RESULT_NOTICES = {CaseDocument.Kind.GRANT, CaseDocument.Kind.REFUSAL, CaseDocument.Kind.DELIVERY}

# 好差评: every result notice carries a QR code to rate the case (一事一评). The ratings app (above cases)
# says which address, in its `AppConfig.ready()`; a result notice is not printed without it.
_rating_link: Callable[[Case], str] | None = None


def rating_link_provide(link: Callable[[Case], str]) -> None:
    """`link(case)`: the absolute address the result notice's rating QR code carries."""
    global _rating_link
    _rating_link = link


def rating_link(case: Case) -> str:
    if _rating_link is None:
        raise ImproperlyConfigured("No rating address for the result notice: the ratings app provides it in "
                                   "its AppConfig.ready() (cases.documents.rating_link_provide).")
    return _rating_link(case)


def document_pdf(document: CaseDocument) -> bytes:
    if document.pdf and f"-{links_key()}" in document.pdf.name:
        with document.pdf.open("rb") as handle:
            return handle.read()
    content = render_pdf("cases/pdf/document.html", {
        **render_context(document),
        "rating_qr": qr_data_uri(rating_link(document.case)) if document.kind in RESULT_NOTICES else None,
    })
    # The snapshot never changes, so the rendering is a pure cache: stored without an audit event (and
    # made again when the site's public address, which the QR codes carry, has changed).
    document.pdf.save(f"{document.case_id}-{document.pk}-{links_key()}.pdf", ContentFile(content), save=False)
    CaseDocument.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return content


def document_response(case: Case, pk: int) -> HttpResponse:
    document = CaseDocument.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_no}-{document.pk}.pdf"'
    return response


def material_file_response(case: Case, pk: int) -> HttpResponse:
    """An uploaded material, served with the content type its bytes were checked to be."""
    stored = MaterialFile.objects.filter(case_material__case=case, pk=pk).first()
    if stored is None:
        raise Http404
    with stored.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="{stored.pk}{stored.file.name[-4:]}"'
    return response
