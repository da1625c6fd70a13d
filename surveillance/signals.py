"""Signals for higher layers (zones, dashboards) that react to camera alerts; this app never imports them.

Both are sent after the transaction commits, never inside it, so receivers read committed rows.

`alert_routed`: a processing batch put alerts into review queues. Arguments: `alert_ids` (frozenset),
`urgent_ids` (frozenset, the subset flagged urgent), `mahalla_ids` and `district_ids` (frozensets).

`alert_reviewed`: someone confirmed, dismissed or escalated an alert. Arguments: `alert_id`, `status`,
`is_urgent`, `mahalla_id`, `district_id`, `incident_id` (or None), `by_id`.
"""

from django.dispatch import Signal

alert_routed = Signal()
alert_reviewed = Signal()
