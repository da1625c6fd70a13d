"""Signals for higher layers (zones, dashboards) that must react to field work; this app never imports them.

`incident_changed` is sent after the transaction commits, never inside it, so a receiver that recomputes a
mahalla's status reads the committed rows. Arguments: `mahalla_ids` (a frozenset: for an incident moved to
another mahalla it holds both the old and the new one) and `incident_id`.
"""

from django.dispatch import Signal

incident_changed = Signal()
