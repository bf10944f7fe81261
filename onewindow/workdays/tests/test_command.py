"""The `workdays` command."""

import io

import pytest
from django.core.management import CommandError, call_command

from onewindow.audit.models import AuditEvent
from onewindow.workdays import services
from onewindow.workdays.models import NoticeYear

from .test_calendar import NOTICE_2027

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_add_and_count():
    assert run("add", "2026-02-13", "2") == "2026-02-24\n"
    assert run("add", "2026-12-15", "20") == "2027-01-13 provisional\n"  # 元旦 off, provisionally
    assert run("count", "2026-02-14", "2026-02-28") == "6\n"
    assert run("count", "2026-12-28", "2027-01-08") == "9 provisional\n"  # 1/1/2027: 元旦, provisionally
    with pytest.raises(CommandError):
        run("add", "2026-02-30", "2")


def test_show_prints_an_importable_notice():
    text = run("show", "2026")
    assert "2026-02-15..2026-02-23 holiday 春节" in text
    assert "2026-02-14 workday 春节" in text and "2026-02-28 workday 春节" in text
    assert "2026-10-01..2026-10-07 holiday 国庆节" in text
    assert "2026-01-01..2026-01-03 holiday 元旦" in text and "2026-01-04 workday 元旦" in text
    assert "2026-09-20 workday 国庆节" in text and "2026-10-10 workday 国庆节" in text
    assert "provisional" not in text
    notice = services.notice_parse(text)
    assert services.notice_diff(notice).changes == ()
    assert "# 2027 is provisional" in run("show", "2027")


def test_import_with_yes(tmp_path, administrator):
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    out = run("import", str(path), "--yes", "--by", administrator.username)
    assert "2027-02-09 Tue working -> off 春节" in out
    assert "2027 becomes firm" in out
    assert NoticeYear.objects.filter(year=2027).exists()
    event = AuditEvent.objects.get(action="workdays.notice_imported")
    assert event.source == "cli" and event.actor == administrator
    assert run("add", "2026-12-15", "20") == "2027-01-13\n"
    assert "no changes" in run("import", str(path), "--yes")


def test_import_asks_and_can_be_declined(tmp_path, monkeypatch):
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="not applied"):
        run("import", str(path))
    assert not NoticeYear.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    run("import", str(path))
    assert NoticeYear.objects.exists()


def test_import_reports_bad_files(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("year 2027\n2027-01-01 vacation\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行|Line 2"):
        run("import", str(path), "--yes")
    with pytest.raises(CommandError, match="cannot read"):
        run("import", str(tmp_path / "missing.txt"), "--yes")

