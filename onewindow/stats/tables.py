"""The columns of every figures table, shared by the dashboard, the PDF report and the Excel export."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.ratings.models import Level

from .selectors import Row

COLUMNS = [
    ("received", pgettext_lazy("count", "Received")),
    ("accepted", pgettext_lazy("count", "Accepted")),
    ("completed", pgettext_lazy("count", "Completed")),
    ("on_time", _("On time")),
    ("overdue", _("Overdue")),
    ("terminated", pgettext_lazy("count", "Terminated")),
    ("not_accepted", _("Not accepted")),
    ("on_the_spot", _("On the spot")),
    ("on_the_spot_rate", _("On-the-spot rate %")),
    ("avg_days", _("Avg working days")),
    ("p90_days", _("P90 working days")),
    ("avg_minutes", _("Avg minutes (on site)")),
    ("p90_minutes", _("P90 minutes (on site)")),
    ("avg_steps", _("Avg steps")),
    ("avg_visits", _("Avg visits")),
    ("deficiency", _("Accepted with deficiency")),
    ("deficiency_supplied", _("Deficiency supplied")),
    ("deficiency_terminated", _("Deficiency terminated")),
    *[(f"level:{value}", label) for value, label in Level.choices],
    ("valid_ratings", _("Valid ratings")),
    ("default_ratings", _("Default ratings")),
    ("excluded_ratings", _("Excluded ratings")),
    ("satisfaction_rate", _("Satisfaction %")),
    ("bad_reviews", _("Bad reviews")),
    ("rectification_rate", _("Rectification rate %")),
    ("complaints", _("Complaints")),
    ("reports", _("Reports")),
]


# The monthly PDF report carries the key figures of each dimension; every column is in the Excel export.
# (Laying out all of COLUMNS for ~57 rows took WeasyPrint over a second: ~0.8 ms per table cell.)
REPORT_COLUMNS = [(name, label) for name, label in COLUMNS if name in {
    "received", "accepted", "completed", "on_time", "overdue", "terminated", "not_accepted", "on_the_spot_rate",
    "avg_days", "valid_ratings", "satisfaction_rate", "bad_reviews", "complaints", "reports"}]


def cell(row: Row, name: str):
    if name.startswith("level:"):
        return row.levels[name.split(":", 1)[1]]
    return getattr(row, name)


def table(rows: list[Row], columns=COLUMNS) -> list[list]:
    """[label, value, value, ...] per row, in the order of columns."""
    return [[row.label, *[cell(row, name) for name, _label in columns]] for row in rows]
