"""`case_transitioned` is sent after the transaction of a case action commits (for the outbox,
notifications, statistics). Arguments: case, action (the `actions.CaseEvent` the action emitted, e.g.
`CaseEvent.ACCEPTED`), from_state, to_state."""

from django.dispatch import Signal

case_transitioned = Signal()
