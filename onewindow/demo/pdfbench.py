"""PDF rendering benchmark (prints numbers; not a test, needs no database).

    DEBUG=1 .venv/bin/python -m onewindow.demo.pdfbench [-n 20] [--out DIR]

Renders, in one process, N times each from in-memory objects: the certificate PDF (both sheets, as
certificates.printing.render_certificate), every kind of notice and decision (the template and context
of cases.documents.document_pdf, with snapshots shaped as cases.notices.details makes them: a change
registration with its before → after table, a refusal with the remedies, ...) and the monthly
statistics report (stats/pdf/monthly.html) at the demo's size (the 33 reference items, one row per item
type, channel, window and person). It prints the first render and the warm p50/p95 in ms (wall clock),
the warm p50 of this process's CPU time (steadier on a shared machine) and the PDF size, then the peak
RSS. With --out, the last PDF of each kind is written there (for `pdftoppm -r 60 -png`).
"""

import argparse
import functools
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


BASE = "http://127.0.0.1:8000"
CASE_NO = "43000026112700001"
MATERIALS = [{"name": name, "mode": "纸质（窗口核验）", "original_seen": True, "copies": 1}
             for name in ("社会团体变更登记申请表", "理事会（常务理事会）决议", "法定代表人身份证明", "住所使用证明")]
REGISTERED = [["名称", "湖南省长沙市青少年科技创新促进会"], ["统一社会信用代码", "51430000MJ0000012X"],
              ["住所", "湖南省长沙市岳麓区麓山南路932号"], ["宗旨", "团结全省青少年科技工作者，促进科技创新人才的成长。"],
              ["业务范围", "学术交流、科普宣传、竞赛组织、人才培训、咨询服务、书刊编辑"], ["活动地域", "湖南省"],
              ["法定代表人", "欧阳晓明"], ["注册资金（元）", "10万元"], ["业务主管单位", "湖南省科学技术协会"]]
REMEDIES = {"review_body": "湖南省人民政府", "court": "本机关所在地有管辖权的人民法院", "review_days": 60,
            "litigation_months": 6}
# Per kind, what cases.notices.details (and the service's own extra) put in the snapshot.
SNAPSHOTS = {
    "acceptance": {"deemed": False, "accepted_on": "2026-11-27", "statutory_due": "2027-02-26",
                   "due_provisional": True, "materials": MATERIALS},
    "correction": {"missing": [{"name": "理事会（常务理事会）决议", "note": "缺少到会理事签名"},
                               {"name": "住所使用证明", "note": "租赁期限不足一年"}],
                   "correction_rule": "请按本告知书列明的内容一次性补正全部材料后重新提交。"},
    "deficiency": {"missing": [{"name": "住所使用证明", "note": "承诺后补"}], "supplement_due": "2026-12-11",
                   "commitment_signed": True, "lapse": "逾期未补齐的，本机关将终止办理本申请。"},
    "grant": {"title": "准予登记决定书", "legal_basis": "《社会团体登记管理条例》第十八条", "reason": "",
              "registered": REGISTERED, "certificates": ["湘社证字第000123号"],
              "certificate_list": [{"title": "社会团体法人登记证书", "number": "湘社证字第000123号"}],
              "changes": [["名称", "湖南省长沙市青少年科技促进会", "湖南省长沙市青少年科技创新促进会"],
                          ["住所", "湖南省长沙市天心区城南路12号", "湖南省长沙市岳麓区麓山南路932号"]]},
    "refusal": {"reason": "拟变更名称与已登记的社会团体名称相同。", "legal_basis": "《社会团体登记管理条例》第十三条",
                "remedies": REMEDIES},
    "non_acceptance": {"reason": "申请事项不属于本机关职权范围。", "legal_basis": "《中华人民共和国行政许可法》第三十二条",
                       "remedies": REMEDIES},
    "delivery": {"delivery": "post", "tracking_no": "SF1234567890123", "issued_at": "2026-11-27 15:20",
                 "delivered": ["准予登记决定书 湘民许字〔2026〕0001号"],
                 "certificate_list": [{"title": "社会团体法人登记证书", "number": "湘社证字第000123号"}]},
    "extension": {"reason": "需要对拟变更住所进行实地核查。", "days": 10,
                  "basis": "《中华人民共和国行政许可法》第四十二条", "statutory_due": "2027-01-11"},
    "special": {"procedure": "专家评审", "reason": "业务范围涉及专业领域，需组织专家评审。",
                "basis": "《中华人民共和国行政许可法》第四十五条", "started_on": "2026-11-27", "expected_days": 15,
                "expected_end": "2026-12-18", "expected_end_provisional": False},
    "termination": {"reason": "容缺材料未在承诺期限内补齐。", "deficiency": True, "supplement_due": "2026-12-11",
                    "decision_void": True},
}


def _notice(kind: str):
    """Template name and context as cases.documents.document_pdf builds them (no database, no storage)."""
    from onewindow.cases.documents import RESULT_NOTICES
    from onewindow.cases.models import CaseDocument
    from onewindow.cases.notices import render_context
    from onewindow.core.pdf import qr_data_uri

    data = {"department": "湖南省民政厅", "case_no": CASE_NO, "item_name": "社会团体变更登记",
            "applicant_name": "湖南省长沙市青少年科技创新促进会", "id_number_masked": "5143**********012X",
            "date": "2026-11-27", "received_on": "2026-11-27", "promised_due": "2026-12-25",
            "complaint_phone": "0731-12345", "consult_phone": "0731-54321",
            "progress_url": f"{BASE}/progress/{CASE_NO}", **SNAPSHOTS[kind]}
    document = CaseDocument(kind=kind, number="湘民受字〔2026〕第00001号", data=data)
    rating_url = f"{BASE}/ratings/rate/{CASE_NO}/?t=abcdefghijklmnopqrstuvwxyz0"
    return "cases/pdf/document.html", {
        **render_context(document), "rating_qr": qr_data_uri(rating_url) if kind in RESULT_NOTICES else None}


def _monthly_report():
    """Template name and context of stats.views.monthly_report for a month at the demo's size."""
    import datetime
    import random

    from onewindow.stats.charts import bar_chart
    from onewindow.stats.selectors import DIMENSIONS, Row, summary
    from onewindow.stats.tables import REPORT_COLUMNS, table
    from onewindow.stats.views import _level_pairs

    rng = random.Random(1)
    groups = {"item": 33, "item_type": 4, "channel": 3, "window": 1, "person": 6}

    def row(label):
        received = rng.randint(5, 200)
        r = Row(key=label, label=label, received=received, accepted=received - 2, completed=received - 5,
                on_time=received - 6, overdue=1, on_the_spot=received // 2, days_sum=received * 3,
                days_n=received - 5, steps_sum=received * 2, visits_sum=received, valid_ratings=received // 2)
        r.levels["very_satisfied"] = received // 2
        return r

    total = Row()
    sections = []
    for by, n in groups.items():
        rows = [row(f"{DIMENSIONS[by]} {i + 1}") for i in range(n)]
        for r in rows:
            total.merge(r)
        sections.append((DIMENSIONS[by], table(rows, REPORT_COLUMNS)))
    return "stats/pdf/monthly.html", {
        "month": "2026-11", "first": datetime.date(2026, 11, 1), "last": datetime.date(2026, 11, 30),
        "total": total, "summary": summary(total), "columns": REPORT_COLUMNS, "sections": sections,
        "total_row": table([total], REPORT_COLUMNS)[0], "department_name": "湖南省民政厅",
        "chart_levels": bar_chart(_level_pairs(total), title="Ratings by level")}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="renders per document (default 20)")
    parser.add_argument("--out", type=Path, help="write the last PDF of each kind to this directory")
    parser.add_argument("--only", help="render only the documents whose name contains this (e.g. report)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _setup()
    from onewindow.cases.models import CaseDocument
    from onewindow.certificates.printing import render_certificate
    from onewindow.core.pdf import render_pdf

    certificate = _certificate()
    cases = [("certificate", lambda: render_certificate(certificate))]
    cases += [(kind, functools.partial(render_pdf, *_notice(kind))) for kind in CaseDocument.Kind.values]
    cases.append(("monthly report", functools.partial(render_pdf, *_monthly_report())))
    cases = [(name, render) for name, render in cases if not args.only or args.only in name]
    print(f"setup {1000 * (time.perf_counter() - started):.0f} ms; n={args.n}")
    print(f"{'document':<15} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8} {'cpu p50':>8} {'size':>9}")
    for name, render in cases:
        times, cpu = [], []
        for _ in range(args.n):
            t0, c0 = time.perf_counter(), time.process_time()
            pdf = render()
            times.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
        warm = sorted(times[1:]) or times
        p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
        print(f"{name:<15} {times[0]:8.0f} {statistics.median(warm):8.0f} {p95:8.0f} {max(warm):8.0f} "
              f"{statistics.median(cpu[1:] or cpu):8.0f} {len(pdf) / 1024:7.1f}KB")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name.replace(' ', '-')}.pdf").write_bytes(pdf)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
