"""Small named write checks shared by the API and (later) the HTML pages. Reads go through `visible_to`."""

from accounts.models import Role

from .models import Alert

# Who decides about alerts: the district's monitoring operators and officials, and the mahalla's inspector.
REVIEW_ROLES = (Role.OPERATOR, Role.DISTRICT, Role.INSPECTOR)
# Who keeps the camera registry of a district.
CAMERA_ROLES = (Role.OPERATOR, Role.DISTRICT)


def _role(user) -> str:
    return getattr(user, "role", "") if getattr(user, "is_authenticated", False) else ""


def can_review_alert(user, alert: Alert) -> bool:
    return (_role(user) in REVIEW_ROLES and user.is_active
            and Alert.objects.visible_to(user).filter(pk=alert.pk).exists())


def can_manage_cameras_in(user, district_id: int | None) -> bool:
    return (_role(user) in CAMERA_ROLES and user.is_active and district_id is not None
            and user.district_id == district_id)


def can_manage_cameras(user) -> bool:
    return _role(user) in CAMERA_ROLES and user.is_active and user.district_id is not None
