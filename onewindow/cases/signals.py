"""The signals of the case engine. Both carry case, action (the `actions.CaseEvent` the action emitted, e.g.
`CaseEvent.ACCEPTED`), from_state and to_state.

`case_acted` is sent inside the transaction of every case action, after its step, audit entry and state
are written; it also carries step (the handling step the action recorded, or None) and actor. What its
receivers write commits or rolls back with the action, and a receiver that raises undoes the action: it is
for records that must exist exactly when the action does (the platform exchange's outbox rows).

`case_transitioned` is sent after that transaction commits, for what may only follow a committed action
(notifications, statistics, caches).
"""

from django.dispatch import Signal

case_acted = Signal()
case_transitioned = Signal()
