"""The public progress page, kept per case until the case changes, and the visitor's proof in a signed cookie.

Proof: the progress query (case number + last four digits) answers with a signed cookie listing the last ten
cases this browser proved, so following progress writes no session row (a visitor who only reads is not
given a session), and the page itself reads none.

Page: a visitor's page for a case is kept in this process's memory (the `pages` cache) under the case's
*generation*, a number in the shared default cache that every write to the case replaces when its transaction
commits (each process reads it at most every `LOCAL_SECONDS`; the process that made the
change sees it at once, the others within that time): a save or delete of the case or of its materials, files, steps, pauses,
notices, delivery choice or ratings (signals), and every case action (`case_transitioned`). A page rendered
from the old rows in between is filed under a generation no one asks for again. Two writes send no signal,
bulk updates of due dates after a calendar change and of the modes of materials received at the window (not
shown on the page); `PAGE_SECONDS` bounds how long a kept page can miss them. Signed-in people (owners)
get the page rendered as usual: it shows their menu.
"""

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from onewindow.cases.models import Case
from onewindow.cases.signals import case_transitioned
from onewindow.core import generations, ratelimit

PROOF_COOKIE = "progress_proof"
PROOF_SALT = "onewindow.portal.progress-proof"
PROOFS_KEPT = 10
PAGE_SECONDS = 600
LOCAL_SECONDS = 2.0  # how long a process trusts its last read of a case's generation (as catalog/pagecache.py)

# (app label, model, how to reach the case id from a row)
CASE_ROWS = [
    ("cases", "Case", lambda row: row.pk),
    ("cases", "CaseMaterial", lambda row: row.case_id),
    ("cases", "MaterialFile", lambda row: row.case_material.case_id),
    ("cases", "CaseStep", lambda row: row.case_id),
    ("cases", "CasePause", lambda row: row.case_id),
    ("cases", "CaseDocument", lambda row: row.case_id),
    ("portal", "DeliveryChoice", lambda row: row.case_id),
    ("ratings", "Rating", lambda row: row.case_id),
]


# --- the proof -------------------------------------------------------------------------------------------

def proofs(request) -> list[str]:
    """The case numbers this browser has proved (an unsigned, altered or expired cookie proves none)."""
    value = request.COOKIES.get(PROOF_COOKIE)
    if not value:
        return []
    try:
        numbers = signing.loads(value, salt=PROOF_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return []
    return [n for n in numbers if isinstance(n, str)] if isinstance(numbers, list) else []


def proof_cookie(case_nos: list[str]) -> str:
    return signing.dumps(case_nos[-PROOFS_KEPT:], salt=PROOF_SALT, compress=True)


def remember_proof(request, response, case_no: str) -> None:
    """Add `case_no` to the browser's proofs (the newest last), on the response."""
    kept = [n for n in proofs(request) if n != case_no]
    response.set_cookie(PROOF_COOKIE, proof_cookie([*kept, case_no]), max_age=settings.SESSION_COOKIE_AGE,
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")


def proof_accepted(number: str, address: str) -> None:
    """A right answer is not a failed guess: give back the attempt counted for the case (or complaint) and for
    the address before the check, so that someone who follows their case often is never told to wait."""
    ratelimit.refund(("progress.case", number), ("progress.address", address))


# --- the per-case generation -------------------------------------------------------------------------------

def _key(case_id: int) -> str:
    return f"progress:generation:{case_id}"


def generation(case_id: int) -> int:
    """The case's shared generation (core/generations.py), as this process last read it (at most LOCAL_SECONDS
    ago)."""
    local = caches["pages"]
    value = local.get(_key(case_id))
    if value is None:
        value = generations.current([_key(case_id)])[_key(case_id)]
        local.set(_key(case_id), value, LOCAL_SECONDS)
    return value


def _bump(case_id: int) -> None:
    generations.bump([_key(case_id)])
    caches["pages"].delete(_key(case_id))  # this process reads the new generation at once


class _Bump:
    def __init__(self, case_id: int):
        self.case_id = case_id

    def __call__(self) -> None:
        _bump(self.case_id)


def case_changed(case_id: int | None) -> None:
    """Replace the case's generation when the transaction commits, once per case and transaction however many
    of its rows it writes (a page rendered before the commit is filed under the old generation, which no one
    asks for again)."""
    if case_id is None:
        return
    connection = transaction.get_connection()
    enclosing = set(connection.savepoint_ids)
    if not any(getattr(callback, "case_id", None) == case_id and savepoints <= enclosing
               for savepoints, callback, _robust in connection.run_on_commit):
        transaction.on_commit(_Bump(case_id), robust=True)


def connect_signals() -> None:
    for app_label, model_name, case_of in CASE_ROWS:
        model = apps.get_model(app_label, model_name)

        def changed(sender, instance, case_of=case_of, **kwargs):
            case_changed(case_of(instance))

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"progress-save-{model._meta.label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"progress-delete-{model._meta.label}")
    case_transitioned.connect(_transitioned, dispatch_uid="progress-transitioned")


def _transitioned(sender, case, **kwargs) -> None:
    case_changed(case.pk)


# --- the page ------------------------------------------------------------------------------------------------

def case_id(case_no: str) -> int | None:
    """The case's id (it never changes), kept in this process's memory."""
    pages, key = caches["pages"], f"progress:id:{case_no}"
    value = pages.get(key)
    if value is None:
        value = Case.objects.filter(case_no=case_no).values_list("id", flat=True).first()
        if value is not None:
            pages.set(key, value, None)
    return value


def cached_page(request, case_no: str, render):
    """The visitor's page for a case they have proved: from memory while the case's generation holds."""
    pk = case_id(case_no)
    if pk is None:
        return render()
    key = f"progress:page:{pk}:{generation(pk)}:{get_language()}:{request.COOKIES.get('elder') == '1'}"
    pages = caches["pages"]
    response = pages.get(key)
    if response is None:
        response = render()
        if response.status_code == 200 and not response.cookies:
            pages.set(key, response, PAGE_SECONDS)
    return response
