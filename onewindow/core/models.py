"""Shared tables of the plumbing: the rate limiter's counters (core/ratelimit.py) and the number series
(core/sequences.py)."""

from django.db import models


class RateCounter(models.Model):
    """Requests counted for one policy and client in one fixed window. A row, not a cache entry, because
    `UPDATE ... SET count = count + 1` is atomic on SQLite and PostgreSQL alike (the database cache's
    incr is a read then a write, so a burst of concurrent requests could all pass)."""

    key = models.CharField(max_length=64)  # SHA-256 of policy and client, so any text is a safe key
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="core_rate_counter_unique")]

    def __str__(self):
        return f"{self.key[:8]}@{self.window}: {self.count}"


class Sequence(models.Model):
    """A named number series (case numbers, document numbers, certificate serials, organisation codes):
    numbers are taken only through `core.sequences.sequence_next`, never reused. On PostgreSQL `last` is
    the floor the series' own PostgreSQL sequence started from (read numbers with `sequence_values()`)."""

    name = models.CharField(max_length=80, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.last}"
