"""The district dashboard's camera figures: uptime (the share of camera-time online over the last 7 days), the
cameras coloured by health for the coverage map, and the red mahallas without any working camera.

Reads surveillance (health, uptime) and zones (the period's colours), both below dashboards; every read starts
from the user's `visible_to`, after `dashboard_scope` has checked the district.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import formats
from core.periods import Period
from surveillance.health import CameraHealth, district_health
from surveillance.uptime import UPTIME_DAYS, Uptime, camera_uptime
from zones.models import Colour, MahallaStatus

from .access import Scope
from .tables import url_maker


@dataclass(frozen=True)
class UncoveredMahalla:
    id: int
    name: str
    url: str
    cameras: int  # cameras in the mahalla (none of them working)


@dataclass
class CameraCoverage:
    period: Period
    uptime: Uptime | None
    cameras: list[CameraHealth]
    red_mahallas: int
    uncovered: list[UncoveredMahalla]

    @property
    def working(self) -> int:
        return sum(1 for h in self.cameras if h.working)


def district_uptime(user, scope: Scope) -> Uptime | None:
    """The district's camera uptime over the last UPTIME_DAYS (None: not a district, or no camera)."""
    if scope.level != "district":
        return None
    return camera_uptime(user=user, district_ids=[scope.district.pk]).get(scope.district.pk)


def uptime_display(uptime: Uptime | None) -> str:
    """"97,3%" as the reader writes it; a dash without camera-time."""
    share = uptime.share if uptime is not None else None
    return "—" if share is None else formats.percent(share * 100, 1)


def camera_coverage(user, scope: Scope, period: Period) -> CameraCoverage:
    """Cameras by health and the red mahallas of `period` (a zone-status period) with no working camera."""
    district_id = scope.district.pk
    cameras = district_health(user=user, district_id=district_id)
    red = list(MahallaStatus.objects.visible_to(user).filter(period=period.key, colour=Colour.RED,
                                                             mahalla__district_id=district_id)
               .select_related("mahalla").defer("mahalla__boundary").order_by("mahalla__name_uz", "mahalla_id"))
    in_mahalla: dict[int, list[CameraHealth]] = {}
    for h in cameras:
        if h.camera.mahalla_id is not None:
            in_mahalla.setdefault(h.camera.mahalla_id, []).append(h)
    url = url_maker("territories:mahalla")
    uncovered = [UncoveredMahalla(s.mahalla_id, s.mahalla.name, url(s.mahalla_id),
                                  len(in_mahalla.get(s.mahalla_id, [])))
                 for s in red if not any(h.working for h in in_mahalla.get(s.mahalla_id, []))]
    return CameraCoverage(period=period, uptime=district_uptime(user, scope), cameras=cameras,
                          red_mahallas=len(red), uncovered=uncovered)


__all__ = ["UPTIME_DAYS", "CameraCoverage", "UncoveredMahalla", "camera_coverage", "district_uptime",
           "uptime_display"]
