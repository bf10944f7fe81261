"""`ratings_changed` is sent after the transaction that records, defaults or excludes ratings commits (for
statistics, which read ratings; ratings do not know statistics). Argument: days, the dates whose rating
figures changed."""

from django.dispatch import Signal

ratings_changed = Signal()
