"""Every write of the ratings app, one module per aggregate: `ratings` (ratings and default ratings),
`rectifications` (of bad reviews), `appeals`, `complaints` (complaints and reports) and `supervision`
(deadlines after a calendar change, urging); `base` holds what they share. Each service runs in a
transaction, locks the row it changes, checks who acts, and appends an audit event in the same transaction.

The names other code uses are importable from here (`from onewindow.ratings import services`)."""

from .appeals import appeal_decide, appeal_file
from .base import rating_token, rating_token_valid, rating_url, today
from .complaints import (
    TRACKING_PREFIX,
    complaint_assign,
    complaint_create,
    complaint_rate_reply,
    complaint_reply,
    complaints_escalate_overdue,
    identity_visible,
    may_handle_complaint,
    query_code_hash,
)
from .ratings import pad_case, rating_defaults_record, rating_submit, rating_window_open
from .rectifications import (
    may_handle_rectification,
    rectification_light,
    rectification_rate_fix,
    rectification_record,
    rectification_visit,
)
from .supervision import deadlines_refresh, urge, urging_acknowledge

__all__ = [
    "TRACKING_PREFIX", "appeal_decide", "appeal_file", "complaint_assign", "complaint_create",
    "complaint_rate_reply", "complaint_reply", "complaints_escalate_overdue", "deadlines_refresh",
    "identity_visible", "may_handle_complaint", "may_handle_rectification", "pad_case", "query_code_hash",
    "rating_defaults_record", "rating_submit", "rating_token", "rating_token_valid", "rating_url",
    "rating_window_open", "rectification_light", "rectification_rate_fix", "rectification_record",
    "rectification_visit", "today", "urge", "urging_acknowledge",
]
