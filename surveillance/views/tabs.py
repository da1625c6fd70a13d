from accounts.capabilities import can

from .. import selectors


def tabs(request, current: str, counts: dict | None = None) -> dict:
    """The tabs above every surveillance page; camera managers see how many alerts wait in each queue."""
    manage = can(request.user, "surveillance.manage_cameras")
    if counts is None and manage:
        counts = selectors.alert_queue_counts(user=request.user)
    return {"tab": current, "can_manage_cameras": manage, "counts": counts or {},
            "can_view_camera_health": can(request.user, "surveillance.view_camera_health")}
