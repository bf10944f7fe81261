"""Settings of the cases app, read from Django settings (settings.py reads the environment) at call time."""

from django.conf import settings


def case_no_format() -> str:
    """Python format string for case numbers: fields `item_code`, `date`, `seq`.

    Default: 实施编码 + YYYYMMDD + 4-digit daily sequence (the format observed in provincial systems).
    """
    return settings.ONEWINDOW_CASE_NO_FORMAT


def document_prefix() -> str:
    """Issuing-organ abbreviation at the head of notice numbers, e.g. 湘民受字〔2026〕0001号."""
    return settings.ONEWINDOW_DOCUMENT_PREFIX


def public_progress_url(case_no: str) -> str:
    """Where the QR code on a notice points: the public progress page of the case."""
    return f"{settings.ONEWINDOW_PUBLIC_URL.rstrip('/')}/progress/{case_no}"


# Art. 32 行政许可法: the one-time correction notice must go out within 5 (working) days of receipt.
CORRECTION_NOTICE_DAYS = 5

# --- what the notices tell the applicant ------------------------------------------------------------------
# Art. 38 行政许可法: a refusal states its reasons and tells the applicant of the right to 行政复议 or
# 行政诉讼. 行政复议法 (2023) Art. 20: apply within 60 days of knowing of the act; Art. 24: the people's
# government at the same level reviews the acts of its own departments (a provincial department → the
# provincial people's government). 行政诉讼法 Art. 46: sue within 6 months. 行政诉讼法 Art. 18: the court
# where the acting organ sits. Places differ, so the bodies are settings (per department); the default
# review body fits the first user (a department of the Hunan provincial government), the default court
# is Art. 18's rule in words, lawful anywhere.
REVIEW_DAYS = 60
LITIGATION_MONTHS = 6
DEFAULT_REMEDIES = {
    "review_body": "湖南省人民政府",
    "court": "本机关所在地有管辖权的人民法院",
}


def remedies(department: str) -> dict:
    """Where and within how long the applicant may challenge a decision of `department`.

    `ONEWINDOW_REMEDIES` (a dict in settings) maps a department name, or "*" for all, to
    {"review_body": ..., "court": ...}; what it leaves out falls back to the lawful default."""
    configured = getattr(settings, "ONEWINDOW_REMEDIES", None) or {}
    chosen = {**DEFAULT_REMEDIES, **configured.get("*", {}), **configured.get(department, {})}
    return {"review_body": chosen["review_body"], "court": chosen["court"], "review_days": REVIEW_DAYS,
            "litigation_months": LITIGATION_MONTHS}

