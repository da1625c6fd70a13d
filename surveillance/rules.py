"""Who may do what with cameras and alerts (registered in SurveillanceConfig.ready; see
accounts.capabilities). Reads go through `visible_to`."""

from accounts.capabilities import role_of, rule
from accounts.models import Role

from .models import Alert

# Who decides about alerts: the district's monitoring operators and officials, and the mahalla's inspector.
REVIEW_ROLES = (Role.OPERATOR, Role.DISTRICT, Role.INSPECTOR)
# Who keeps the camera registry of a district.
CAMERA_ROLES = (Role.OPERATOR, Role.DISTRICT)


@rule("surveillance.review_alert")
def review_alert(user, alert: Alert) -> bool:
    return role_of(user) in REVIEW_ROLES and Alert.objects.visible_to(user).filter(pk=alert.pk).exists()


@rule("surveillance.review_alerts")
def review_alerts(user, obj=None) -> bool:
    """Decides about alerts at all (the queue shows the review buttons)."""
    return role_of(user) in REVIEW_ROLES


@rule("surveillance.manage_cameras")
def manage_cameras(user, obj=None) -> bool:
    """Register cameras (in one's own district)."""
    return role_of(user) in CAMERA_ROLES and user.district_id is not None


@rule("surveillance.edit_camera")
def edit_camera(user, camera) -> bool:
    return (role_of(user) in CAMERA_ROLES and camera.district_id is not None
            and user.district_id == camera.district_id)


@rule("surveillance.view_cameras")
def view_cameras(user, obj=None) -> bool:
    """Roles whose territory can hold cameras see the territory pages' "Cameras and alerts" panel."""
    return role_of(user) in (Role.OPERATOR, Role.DISTRICT, Role.REGIONAL, Role.NATIONAL, Role.INSPECTOR)


# Who watches the cameras' health: the monitoring centre and the staff above it (an inspector's alerts are
# already filtered to what was routed; the devices are the centre's business).
HEALTH_ROLES = (Role.OPERATOR, Role.DISTRICT, Role.REGIONAL, Role.NATIONAL)


@rule("surveillance.view_camera_health")
def view_camera_health(user, obj=None) -> bool:
    """See the cameras' health and the list of cameras needing attention (of one's own territory)."""
    return role_of(user) in HEALTH_ROLES


@rule("surveillance.manage_pull_devices")
def manage_pull_devices(user, obj=None) -> bool:
    """Register devices the platform pulls events from (for an integration of one's own district)."""
    return role_of(user) in CAMERA_ROLES and user.district_id is not None


@rule("surveillance.edit_pull_device")
def edit_pull_device(user, device) -> bool:
    return (role_of(user) in CAMERA_ROLES and user.district_id is not None
            and device.integration.district_id == user.district_id)
