"""PDF rendering benchmark (prints numbers; not a test, needs no database).

    DEBUG=1 .venv/bin/python -m onewindow.core.pdfbench [-n 20] [--out DIR]

Renders, in one process, the certificate PDF (certificates.printing.render_certificate), an acceptance
notice and a grant decision notice (the template and context of cases.documents.document_pdf) N times each
from in-memory objects, and prints the first render and the warm p50/p95 in ms (wall clock), the warm
p50 of this process's CPU time (steadier on a shared machine) and the PDF size, then the peak RSS. With
--out, the last PDF of each kind is written there (for `pdftoppm -r 60 -png`).
"""

import argparse
import os
import resource
import statistics
import time
from pathlib import Path


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")


def _certificate():
    from onewindow.certificates.models import Certificate, CertificateKind
    from onewindow.certificates.services import CERTIFICATE_TITLES, SUPERVISED_BY

    printed = {
        "title": CERTIFICATE_TITLES[CertificateKind.SOCIAL_GROUP], "kind": CertificateKind.SOCIAL_GROUP,
        "number": "湘民证字第000123号", "credit_code": "51430000MJ0000012X",
        "fields": [["名称", "湖南省长沙市青少年科技创新促进会"], ["住所", "湖南省长沙市岳麓区麓山南路932号"],
                   ["宗旨", "遵守宪法、法律、法规和国家政策，践行社会主义核心价值观，遵守社会道德风尚，"
                            "团结全省青少年科技工作者，促进科技创新人才的成长。"],
                   ["业务范围", "学术交流、科普宣传、竞赛组织、人才培训、咨询服务、书刊编辑"],
                   ["活动地域", "湖南省"], ["法定代表人", "欧阳晓明"], ["活动资金", "10万元"],
                   ["业务主管单位", "湖南省科学技术协会"]],
        "valid_from": "2026-11-27", "valid_until": "2031-11-26", "issuer": "湖南省民政厅",
        "issued_on": "2026-11-27", "supervised_by": SUPERVISED_BY,
        "verify_url": "http://127.0.0.1:8000/verify/q3Jb7k2mXw9ZtR4pLs8dVc1h",
    }
    return Certificate(kind=CertificateKind.SOCIAL_GROUP, number=printed["number"], token="q3Jb7k2mXw9ZtR4pLs8dVc1h",
                       printed=printed, signature="Jx7" * 28 + "Q==", key_id="5f2c9a7e1b3d", print_count=1)


def _notice(kind: str):
    """Template name and context as cases.documents.document_pdf builds them (no database, no storage)."""
    from onewindow.cases.documents import RESULT_NOTICES
    from onewindow.cases.models import CaseDocument
    from onewindow.core.pdf import qr_data_uri

    data = {"department": "湖南省民政厅", "case_no": "43000026112700001", "item_name": "社会团体成立登记",
            "applicant_name": "湖南省长沙市青少年科技创新促进会（筹）", "id_number_masked": "430***********123X",
            "date": "2026-11-27", "promised_due": "2026-12-25",
            "progress_url": "http://127.0.0.1:8000/progress/43000026112700001"}
    if kind == CaseDocument.Kind.ACCEPTANCE:
        data["deemed"] = False
    else:
        data.update(reason="申请材料齐全，符合法定形式，经审查符合登记条件，准予登记。",
                    certificates=["社会团体法人登记证书 湘民证字第000123号"])
    document = CaseDocument(kind=kind, number="湘民受字〔2026〕第00001号", data=data)
    rating_url = "http://127.0.0.1:8000/ratings/rate/43000026112700001/?t=abcdefghijklmnopqrstuvwxyz0"
    return "cases/pdf/document.html", {
        "doc": document, "data": data, "title": document.get_kind_display(), "qr": qr_data_uri(data["progress_url"]),
        "rating_qr": qr_data_uri(rating_url) if kind in RESULT_NOTICES else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="renders per document (default 20)")
    parser.add_argument("--out", type=Path, help="write the last PDF of each kind to this directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _setup()
    from onewindow.cases.models import CaseDocument
    from onewindow.certificates.printing import render_certificate
    from onewindow.core.pdf import render_pdf

    certificate = _certificate()
    acceptance = _notice(CaseDocument.Kind.ACCEPTANCE)
    decision = _notice(CaseDocument.Kind.GRANT)
    cases = [("certificate", lambda: render_certificate(certificate)),
             ("acceptance", lambda: render_pdf(*acceptance)),
             ("decision", lambda: render_pdf(*decision))]
    print(f"setup {1000 * (time.perf_counter() - started):.0f} ms; n={args.n}")
    print(f"{'document':<12} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8} {'cpu p50':>8} {'size':>9}")
    for name, render in cases:
        times, cpu = [], []
        for _ in range(args.n):
            t0, c0 = time.perf_counter(), time.process_time()
            pdf = render()
            times.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
        warm = sorted(times[1:]) or times
        p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
        print(f"{name:<12} {times[0]:8.0f} {statistics.median(warm):8.0f} {p95:8.0f} {max(warm):8.0f} "
              f"{statistics.median(cpu[1:] or cpu):8.0f} {len(pdf) / 1024:7.1f}KB")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name}.pdf").write_bytes(pdf)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
