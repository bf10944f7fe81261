import pytest
from django.core.management import call_command

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.registry.models import UsccOverride
from onewindow.registry.services import uscc_accept, uscc_override_record

BAD = "11430000006143059N"  # fails both check characters


@pytest.mark.django_db
def test_override_is_admin_only_audited_and_accepted(administrator, chief):
    assert not uscc_accept(BAD).ok
    with pytest.raises(PermissionDenied):
        uscc_override_record(code=BAD, reason="核实", actor=chief)
    with pytest.raises(ValidationFailed):
        uscc_override_record(code=BAD, reason=" ", actor=administrator)
    with pytest.raises(ValidationFailed):
        uscc_override_record(code="91440300708461136T", reason="不需要", actor=administrator)
    with pytest.raises(ValidationFailed) as err:  # a forbidden letter is not a check-character quirk
        uscc_override_record(code="91440300708461I36T", reason="x", actor=administrator)
    assert err.value.code == "override_not_check_character"
    uscc_override_record(code=BAD.lower(), reason="经赋码机关核实", actor=administrator)
    assert uscc_accept(BAD).ok and "管理员" in uscc_accept(BAD).message
    assert AuditEvent.objects.filter(action="registry.uscc_override_recorded").count() == 1
    with pytest.raises(Conflict):
        uscc_override_record(code=BAD, reason="again", actor=administrator)


@pytest.mark.django_db
def test_override_page_permissions(client, login, clerk, administrator):
    assert client.get("/organisations/overrides/").status_code == 302
    assert login(clerk).get("/organisations/overrides/").status_code == 403
    admin_client = login(administrator)
    assert admin_client.get("/organisations/overrides/").status_code == 200
    response = admin_client.post("/organisations/overrides/", {"code": "91440300708461136T", "reason": "x"})
    assert response.status_code == 200 and "无需人工确认" in response.content.decode()
    response = admin_client.post("/organisations/overrides/", {"code": BAD, "reason": "经核实"})
    assert response.status_code == 302 and UsccOverride.objects.filter(code=BAD).exists()


@pytest.mark.django_db
def test_override_api_permissions(api, clerk, administrator):
    assert api(None).post("/api/v1/organisations/overrides", {"code": BAD, "reason": "x"}).status_code == 401
    response = api(clerk).post("/api/v1/organisations/overrides", {"code": BAD, "reason": "x"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = api(administrator).post("/api/v1/organisations/overrides", {"code": BAD, "reason": "经核实"})
    assert response.status_code == 201 and response.json()["code"] == BAD


@pytest.mark.django_db
def test_validate_command(capsys):
    call_command("validate", "uscc", "11430000006122340X")
    assert capsys.readouterr().out.startswith("valid: 统一社会信用代码校验通过")
    with pytest.raises(SystemExit) as exit_info:
        call_command("validate", "uscc", BAD)
    assert exit_info.value.code == 1
    assert "invalid: 第17位" in capsys.readouterr().out
    call_command("validate", "id", "11010519491231002x")
    assert capsys.readouterr().out.startswith("valid:")
    with pytest.raises(SystemExit):
        call_command("validate", "id", "110105194912310021")
    assert "第18位" in capsys.readouterr().out
