"""Settings of the evaluations app, read from Django settings (settings.py reads the environment) at call time."""

from decimal import Decimal

from django.conf import settings


def disagreement_points() -> Decimal:
    """Evaluators disagree on an indicator when their highest and lowest scores differ by at least this many
    points out of 100 of the indicator's maximum (the leader is asked to look before recording consensus)."""
    return Decimal(str(settings.ONEWINDOW_EVALUATION_DISAGREEMENT))
