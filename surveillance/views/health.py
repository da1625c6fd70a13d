"""Camera health: every camera of a district with what is wrong with it, those needing attention first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.capabilities import can
from core.htmx import render_page

from .. import health, presenters
from .tabs import tabs

HEALTH_PAGE_SIZE = 50
SHOW_CHOICES = ("attention", "all")


def chosen_district(request, districts) -> int | None:
    """The district asked for (a 404 outside the user's territory), else the user's own, else the first."""
    asked = request.GET.get("district", "")
    by_id = {d.pk: d for d in districts}
    if asked:
        if not (asked.isascii() and asked.isdigit()) or int(asked) not in by_id:
            raise Http404
        return int(asked)
    if request.user.district_id in by_id:
        return request.user.district_id
    return districts[0].pk if districts else None


@login_required
def camera_health(request):
    if not can(request.user, "surveillance.view_camera_health"):
        raise PermissionDenied(_("Camera health is for the monitoring centre and the staff above it."))
    districts = list(health.health_districts(user=request.user))
    district_id = chosen_district(request, districts)
    show = request.GET.get("show") if request.GET.get("show") in SHOW_CHOICES else "attention"
    problem = request.GET.get("problem") if request.GET.get("problem") in health.PROBLEMS else ""
    rows = health.district_health(user=request.user, district_id=district_id) if district_id else []
    counts = health.attention_counts(rows)
    if problem:
        rows = [h for h in rows if problem in h.problems]
    elif show == "attention":
        rows = [h for h in rows if h.needs_attention]
    page = Paginator(rows, HEALTH_PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {"district": district_id or "", "show": show, "problem": problem}
    context = {
        "page": page, "rows": list(page.object_list), "districts": districts, "district_id": district_id,
        "district": next((d for d in districts if d.pk == district_id), None), "show": show, "problem": problem,
        "problems": list(health.PROBLEMS.items()), "health_counts": counts,
        "problem_counts": [(code, label, counts[code]) for code, label in health.PROBLEMS.items()],
        "query": urlencode([(k, v) for k, v in keep.items() if v]),
        "points": health_points(page.object_list), **tabs(request, "health"), **presenters.map_context(),
    }
    return render_page(request, "surveillance/health.html", context, fragment="surveillance/_health_rows.html")


def health_points(rows) -> list[dict]:
    """Map markers of a page of cameras, coloured by health (alerts.js draws `health`)."""
    points = []
    for h in rows:
        where = presenters.point(h.camera)
        if where is not None:
            points.append({**where, "name": h.camera.name, "count": 1, "urgent": False, "health": h.level,
                           "offline": h.level == "down", "url": reverse("surveillance:camera", args=[h.camera.pk])})
    return points
