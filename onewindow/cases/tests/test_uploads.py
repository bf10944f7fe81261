"""Uploaded files live outside the database: a rolled-back transaction must not leave them behind."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from onewindow.cases import services
from onewindow.cases.models import Case, MaterialFile
from onewindow.core.uploads import atomic_files

from .factories import make_case, make_item
from .test_views import PDF, intake_post


def stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_intake_refused_after_the_upload_leaves_no_file(login, clerk, today):
    item = make_item()
    version = item.current_version
    application, resolution = version.materials.get(key="application"), version.materials.get(key="resolution")
    # The upload succeeds, then acceptance is refused (a required material is missing): all rolls back.
    post = intake_post(item, do="accept", **{
        f"mode_{application.pk}": "pending", f"file_{application.pk}": SimpleUploadedFile("申请表.pdf", PDF),
        f"mode_{resolution.pk}": "missing"})
    response = login(clerk).post(reverse("cases:intake"), post)
    assert response.status_code == 422 and Case.objects.count() == 0
    assert stored_files() == []


def test_upload_rolled_back_by_the_caller_leaves_no_file(clerk, today):
    case = make_case(make_item(), clerk)
    material = case.item_version.materials.first()
    with pytest.raises(RuntimeError), atomic_files():
        services.case_material_upload(case=case, actor=clerk, material=material, name="a.pdf", content=PDF)
        assert len(stored_files()) == 1
        raise RuntimeError("something later in the same transaction failed")
    assert stored_files() == [] and not MaterialFile.objects.exists()


def test_upload_rolled_back_without_an_error_leaves_no_file(clerk, today):
    case = make_case(make_item(), clerk)
    material = case.item_version.materials.first()
    with atomic_files():
        services.case_material_upload(case=case, actor=clerk, material=material, name="a.pdf", content=PDF)
        transaction.set_rollback(True)
    assert stored_files() == []


def test_committed_upload_keeps_its_file(clerk, today):
    case = make_case(make_item(), clerk)
    stored = services.case_material_upload(case=case, actor=clerk, material=case.item_version.materials.first(),
                                           name="a.pdf", content=PDF)
    assert stored_files() == [Path(stored.file.path)]
