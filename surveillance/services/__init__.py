"""Writes of surveillance, one module per sub-domain:

- `integrations`: the systems that push events, their tokens, and which cameras each speaks for;
- `ingest`: a payload validated and stored as raw events, processing enqueued on commit (the doorbell);
- `processing`: stored raw events claimed and turned into alerts; the sweep for what a lost message left behind;
- `routing`: each district's rule (which alerts reach review, which are urgent) and the grouping of repeats;
- `cameras`: the camera registry (register, change, import from CSV) and each camera's online status;
- `outages`: each camera's status and its history (CameraOutage): offline after silence or with its pulled
  stream down, online again with traffic or a live stream;
- `review`: confirm (linking or creating an incident), dismiss, escalate;
- `retention`: pictures and raw payloads deleted once no longer needed.

Code imports the module that owns a function. The names below are re-exported for tests and the shell only.
"""

from .cameras import camera_create, camera_delete, camera_update, cameras_import_csv, cameras_mark_offline
from .ingest import raw_events_store
from .integrations import (
    integration_assign,
    integration_create,
    integration_revoke,
    integration_rotate,
    token_generation_key,
)
from .processing import raw_events_claim, raw_events_process, raw_events_sweep
from .retention import alert_media_purge
from .review import alert_confirm, alert_dismiss, alert_escalate

__all__ = [
    "alert_confirm", "alert_dismiss", "alert_escalate", "alert_media_purge", "camera_create", "camera_delete",
    "camera_update", "cameras_import_csv", "cameras_mark_offline", "integration_assign", "integration_create",
    "integration_revoke", "integration_rotate", "raw_events_claim", "raw_events_process", "raw_events_store",
    "raw_events_sweep", "token_generation_key",
]
