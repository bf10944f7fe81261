"""Settings of the evaluations app: Django settings win, then the environment, then the defaults."""

import os
from decimal import Decimal

from django.conf import settings


def disagreement_points() -> Decimal:
    """Evaluators disagree on an indicator when their highest and lowest scores differ by at least this many
    points out of 100 of the indicator's maximum (the leader is asked to look before recording consensus)."""
    value = getattr(settings, "ONEWINDOW_EVALUATION_DISAGREEMENT", None)
    return Decimal(str(value if value is not None else os.environ.get("ONEWINDOW_EVALUATION_DISAGREEMENT", "20")))
