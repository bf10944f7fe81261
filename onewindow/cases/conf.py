"""Settings of the cases app, overridable in Django settings or the environment."""

import os

from django.conf import settings


def case_no_format() -> str:
    """Python format string for case numbers: fields `item_code`, `date`, `seq`.

    Default: 实施编码 + YYYYMMDD + 4-digit daily sequence (the format observed in provincial systems).
    """
    return getattr(settings, "ONEWINDOW_CASE_NO_FORMAT", None) or os.environ.get(
        "ONEWINDOW_CASE_NO_FORMAT", "{item_code}{date:%Y%m%d}{seq:04d}")


def document_prefix() -> str:
    """Issuing-organ abbreviation at the head of notice numbers, e.g. 湘民受字〔2026〕0001号."""
    return getattr(settings, "ONEWINDOW_DOCUMENT_PREFIX", None) or os.environ.get(
        "ONEWINDOW_DOCUMENT_PREFIX", "湘民")


def public_progress_url(case_no: str) -> str:
    """Where the QR code on a notice points: the public progress page of the case."""
    return f"{settings.ONEWINDOW_PUBLIC_URL.rstrip('/')}/progress/{case_no}"


# Art. 32 行政许可法: the one-time correction notice must go out within 5 (working) days of receipt.
CORRECTION_NOTICE_DAYS = 5
