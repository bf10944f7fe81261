import threading

import pytest
from django.db import connection, transaction

from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.core.sequences import sequence_values
from onewindow.registry.effects import case_grant_apply
from onewindow.registry.identifiers import check_uscc
from onewindow.registry.models import KIND_DIGIT, Organisation
from onewindow.registry.services import ORG_CODE_PREFIX, ORG_CODE_SEQUENCE, _credit_code, credit_code_allocate
from onewindow.registry.tests.conftest import PNE_ITEMS


@pytest.mark.django_db
def test_allocation_format_and_skips_taken_codes():
    with transaction.atomic():
        first = credit_code_allocate(kind=OrgKind.SOCIAL_GROUP)
    assert first[:10] == "51430000MJ" and check_uscc(first).ok
    # An imported organisation already holds the next organisation code (as a foundation): allocation skips it.
    body = f"{ORG_CODE_PREFIX}{sequence_values()[ORG_CODE_SEQUENCE] + 1:06d}"
    taken = _credit_code(KIND_DIGIT[OrgKind.FOUNDATION], body)
    Organisation.objects.create(kind=OrgKind.FOUNDATION, credit_code=taken, name="已导入", registration_authority="x")
    with transaction.atomic():
        after = credit_code_allocate(kind=OrgKind.PRIVATE_NON_ENTERPRISE)
    assert after[8:16] == "MJ000003" and after[:2] == "52"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_establishments_get_distinct_consecutive_codes_and_numbers(chief, make_case):
    """Eight establishment grants at once: the number series give each a different, never-reused credit
    code and certificate number (consecutive here, since no grant rolled back)."""
    results, errors = [], []
    barrier = threading.Barrier(8)
    cases = [make_case(RegistryAction.ESTABLISH, {**PNE_ITEMS, "name": f"并发培训中心{i}"},
                       kinds=[OrgKind.PRIVATE_NON_ENTERPRISE]) for i in range(8)]

    def establish(case):
        try:
            barrier.wait()
            with transaction.atomic():
                effect = case_grant_apply(case=case, actor=chief)
            results.append((effect.organisation.credit_code, effect.certificates[0].serial))
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=establish, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    codes = [code for code, _serial in results]
    assert sorted(code[8:16] for code in codes) == [f"MJ{n:06d}" for n in range(1, 9)]
    assert sorted(serial for _code, serial in results) == list(range(1, 9))
    assert sequence_values()["organisation_code"] == 8
