import threading

import pytest
from django.db import connection

from onewindow.catalog.models import ItemVersion
from onewindow.catalog.services import item_create, version_publish, version_update
from onewindow.core.errors import Conflict

from .factories import item_data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_publish_and_edit_of_one_draft_race_safely():
    draft = item_create(code="RACE", actor=None, data=item_data()).versions.get()
    barrier, outcomes = threading.Barrier(2), []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # threads own their connections; free them for teardown

    threads = [threading.Thread(target=run, args=(lambda: version_publish(version=draft, actor=None),)),
               threading.Thread(target=run, args=(lambda: version_publish(version=draft, actor=None),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with pytest.raises(Conflict):
        version_update(version=draft, actor=None, data={"name": "改名"})
    assert ItemVersion.objects.get(pk=draft.pk).status == ItemVersion.Status.PUBLISHED
