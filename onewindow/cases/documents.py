"""Notice PDFs, rendered from the document's snapshot on first download and cached with it."""

from django.core.files.base import ContentFile

from onewindow.core.pdf import qr_data_uri, render_pdf

from .models import CaseDocument


def document_pdf(document: CaseDocument) -> bytes:
    if document.pdf:
        with document.pdf.open("rb") as handle:
            return handle.read()
    data = document.data
    content = render_pdf("cases/pdf/document.html", {
        "doc": document, "data": data, "title": document.get_kind_display(),
        "qr": qr_data_uri(data["progress_url"]),
    })
    # The snapshot never changes, so the rendering is a pure cache: stored without an audit event.
    document.pdf.save(f"{document.case_id}-{document.pk}.pdf", ContentFile(content), save=False)
    CaseDocument.objects.filter(pk=document.pk, pdf="").update(pdf=document.pdf.name)
    return content
