import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from onewindow.cases import documents, services
from onewindow.cases.documents import document_pdf
from onewindow.cases.models import CaseDocument
from onewindow.cases.querycode import progress_query_code

from .factories import PERSON_ID, make_case, make_item


def pdf_text(document) -> str:
    return PdfReader(io.BytesIO(document_pdf(document))).pages[0].extract_text()


def test_notices_carry_the_case_and_result_notices_a_rating_qr(chief, today):
    case = make_case(make_item(), chief)
    services.case_accept(case=case, actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    services.case_issue(case=case, actor=chief, delivery="window", collector_name="李明",
                        collector_id_number=PERSON_ID)
    acceptance = case.documents.get(kind=CaseDocument.Kind.ACCEPTANCE)
    delivery = case.documents.get(kind=CaseDocument.Kind.DELIVERY)
    accepted_text, delivered_text = pdf_text(acceptance), pdf_text(delivery)
    assert case.case_no in accepted_text and acceptance.number in accepted_text
    assert f"进度查询码{progress_query_code(case.case_no)}" in accepted_text.replace(" ", "")  # issue 16
    assert "扫码评价" not in accepted_text  # nothing to rate before the result
    assert "扫码评价" in delivered_text
    acceptance.refresh_from_db()
    assert acceptance.pdf  # rendered once, then served from the cache


def test_the_rating_address_is_provided_by_the_ratings_app_or_no_result_notice_prints(chief, today, monkeypatch):
    from onewindow.ratings.services import rating_url

    case = make_case(make_item(), chief)
    services.case_accept(case=case, actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    assert documents.rating_link(case) == rating_url(case)  # wired in RatingsConfig.ready()
    monkeypatch.setattr(documents, "_rating_link", None)
    with pytest.raises(ImproperlyConfigured):
        document_pdf(case.documents.get(kind=CaseDocument.Kind.GRANT))
    document_pdf(case.documents.get(kind=CaseDocument.Kind.ACCEPTANCE))  # no QR code to print: unaffected
