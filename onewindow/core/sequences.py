"""One service for every number series: case and document numbers, complaint tracking numbers,
certificate serials and organisation codes.

A series is a named row of `core.models.Sequence`, created on first use; `sequence_next(name)` gives its
next number. Numbers are unique, never reused and increasing in the order they are taken.

On PostgreSQL a number is taken from a PostgreSQL sequence of the series' own, `core_series_<row id>`,
with `nextval`, which takes no lock that another caller waits for and is not undone by a rollback: a clerk
numbering a case does not queue behind the other clerks' open transactions. The price is gaps: a number
taken by a transaction that then rolls back is lost, and a number may commit after a higher one. Every
series accepts that (no rule in docs/ or the team's domain brief requires consecutive case, document,
complaint, certificate or organisation numbers; the organisation-code series already skips codes taken by
imported organisations). The PostgreSQL sequence is created on the series' first use, starting after the
row's `last` — so a series numbered before this change (whose row holds its last number) continues where it
was, with no data migration — under the row's lock, held by that first caller until its transaction ends
(concurrent first callers wait once, then all take numbers freely). Afterwards the row's `last` is only
the floor the sequence started from: read a series' numbers with `sequence_values()`.

Every caller also takes the `core_sequence` table in ROW SHARE mode to its transaction's end, which no
caller waits for except behind a tool that locks the whole table to number rows itself (the bulk loader,
which reads `sequence_values()` first and hands its last numbers back with `sequence_continue_after`).

On SQLite (one writer at a time anyway) the row is advanced with `UPDATE ... SET last = last + 1` in the
caller's transaction, and a rolled-back number is given again."""

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .errors import Conflict
from .models import Sequence

# The PostgreSQL sequence of a series is named after its row's id: names stay short and safe whatever the
# series' name, and a deleted row (a flushed test database) never hands its old sequence to a new series.
NATIVE_PREFIX = "core_series_"


def _table() -> str:
    return connection.ops.quote_name(Sequence._meta.db_table)


def _native(column: str) -> str:
    """SQL for the regclass of a row's PostgreSQL sequence, NULL while it has none."""
    return f"to_regclass('{NATIVE_PREFIX}' || {column})"


def sequence_next(name: str) -> int:
    """The next number of the series `name` (1 for a series used the first time)."""
    if connection.vendor == "postgresql":
        return _next_native(name)
    return _next_row(name)


def _next_native(name: str) -> int:
    table = _table()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN ROW SHARE MODE")
        cursor.execute(f"SELECT id, nextval({_native('id')}) FROM {table} WHERE name = %s", [name])
        row = cursor.fetchone()
        if row and row[1] is not None:
            return row[1]
        # First use. A new row is ours until we commit (a concurrent creator's INSERT waits for us, then
        # does nothing); an existing row without a sequence (numbered before, or whose creator rolled back)
        # is locked and looked at again in a new statement: a creator we waited for may have made it.
        cursor.execute(
            f"INSERT INTO {table} (name, last) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING RETURNING id, last",
            [name],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT id, last FROM {table} WHERE name = %s FOR NO KEY UPDATE", [name])
            row = cursor.fetchone()
            cursor.execute(f"SELECT nextval({_native('%s')})", [row[0]])
            number = cursor.fetchone()[0]
            if number is not None:
                return number
        native = f"{NATIVE_PREFIX}{int(row[0])}"
        cursor.execute(f"CREATE SEQUENCE {native} START WITH {int(row[1]) + 1}")
        cursor.execute(f"SELECT nextval('{native}')")
        return cursor.fetchone()[0]


def _next_row(name: str) -> int:
    # Inside the caller's transaction no savepoint is needed (two queries per number); alone, one transaction
    # keeps the row locked from the UPDATE to the read.
    with transaction.atomic(savepoint=False):
        for _attempt in range(2):
            if Sequence.objects.filter(name=name).update(last=F("last") + 1):
                return Sequence.objects.get(name=name).last
            try:
                # A lost creation race rolls back only this savepoint, then retries.
                with transaction.atomic():
                    Sequence.objects.create(name=name, last=1)
                return 1
            except IntegrityError:
                continue
    raise Conflict(_("Could not assign a number; please try again."), code="sequence_busy")


def sequence_values() -> dict[str, int]:
    """The last number taken of every series (lost ones included), by name: for a tool that numbers rows
    itself, inside a transaction that has locked the `core_sequence` table so no number is taken meanwhile."""
    if connection.vendor != "postgresql":
        return dict(Sequence.objects.values_list("name", "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, coalesce(pg_sequence_last_value({_native('id')}), last) FROM {_table()}"
        )
        return dict(cursor.fetchall())


def sequence_continue_after(values: dict[str, int]) -> None:
    """Make each series named in `values` continue after at least that number (creating the series as
    needed; a series never goes back): for a tool that numbered rows itself, after `sequence_values()`.
    Locks the `core_sequence` table to the end of the caller's transaction, so no number is taken meanwhile."""
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_table()} IN EXCLUSIVE MODE")
        current = sequence_values()
        higher = {name: last for name, last in values.items() if last > current.get(name, 0)}
        rows = [Sequence(name=name, last=last) for name, last in higher.items()]
        Sequence.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["name"], update_fields=["last"]
        )
        if connection.vendor != "postgresql":
            return
        # A series' sequence is dropped and made again from its row on the next use: unlike setval, DROP
        # is undone if the caller's transaction rolls back.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {_table()} WHERE name = ANY(%s) AND {_native('id')} IS NOT NULL",
                [list(higher)],
            )
            for (series_id,) in cursor.fetchall():
                cursor.execute(f"DROP SEQUENCE {NATIVE_PREFIX}{int(series_id)}")
