"""`calendar_changed` is sent after a calendar change commits, with `first` and `last`: the range of
dates whose status changed. Receivers recompute the open deadlines that touch it."""

from django.dispatch import Signal

calendar_changed = Signal()
