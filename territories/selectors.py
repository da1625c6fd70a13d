"""Reads behind the territory browser's HTML pages. Every query starts from `visible_to(user)`.

The pages live in their own app above `accounts`, not in `mahallas`, because they show who works in each
mahalla: `mahallas` (the lowest layer) must know nothing of people.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Assignment, Role
from mahallas.models import District, Mahalla, Region


def _search(qs: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(
        Q(code__startswith=text) | Q(name_uz__icontains=text) | Q(name_ru__icontains=text)
        | Q(name_en__icontains=text) | Q(name_uz_cyrl__icontains=text)
    )


def _scalar(qs: QuerySet, group_by: str, aggregate) -> Coalesce:
    """A correlated subquery returning one aggregate per outer row (0 when there are none).

    Subqueries rather than joins: counting districts and summing mahalla populations in one joined
    query would multiply rows.
    """
    sub = qs.order_by().values(group_by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def regions_for(user, text: str = "") -> QuerySet:
    """Visible regions with the number of visible districts and mahallas and their population."""
    districts = District.objects.visible_to(user).filter(region=OuterRef("pk"))
    mahallas = Mahalla.objects.visible_to(user).filter(district__region=OuterRef("pk"))
    return _search(Region.objects.visible_to(user), text).defer("boundary").annotate(
        district_count=_scalar(districts, "region", Count("pk")),
        mahalla_count=_scalar(mahallas, "district__region", Count("pk")),
        population=_scalar(mahallas, "district__region", Sum("population")),
    ).order_by("name_uz")


def districts_for(user, region: Region, text: str = "") -> QuerySet:
    mahallas = Mahalla.objects.visible_to(user).filter(district=OuterRef("pk"))
    return _search(District.objects.visible_to(user).filter(region=region), text).defer("boundary").annotate(
        mahalla_count=_scalar(mahallas, "district", Count("pk")),
        population=_scalar(mahallas, "district", Sum("population")),
        households=_scalar(mahallas, "district", Sum("households")),
    ).order_by("name_uz")


def territory_totals(mahallas: QuerySet) -> dict:
    totals = mahallas.aggregate(mahalla_count=Count("pk"), population=Sum("population"),
                                households=Sum("households"))
    return {key: value or 0 for key, value in totals.items()}


def _current_staff_prefetch(user) -> Prefetch:
    current = (Assignment.objects.visible_to(user).active().filter(is_primary=True)
               .select_related("user").order_by("role", "-starts_on"))
    return Prefetch("assignments", queryset=current, to_attr="current_assignments")


def mahallas_for(user, *, district: District | None = None, text: str = "") -> QuerySet:
    """Visible mahallas with their current primary inspector and social worker prefetched.

    Each row gets `inspector` and `social_worker` attributes (an Assignment or None) via `with_staff`.
    """
    qs = Mahalla.objects.visible_to(user).defer("boundary").select_related("district__region")
    if district is not None:
        qs = qs.filter(district=district)
    return qs.search(text).prefetch_related(_current_staff_prefetch(user)).order_by("name_uz")


def with_staff(mahallas):
    """Attach `inspector` / `social_worker` to each mahalla of an already prefetched page of rows."""
    rows = list(mahallas)
    for mahalla in rows:
        by_role = {a.role: a for a in getattr(mahalla, "current_assignments", [])}
        mahalla.inspector = by_role.get(Role.INSPECTOR)
        mahalla.social_worker = by_role.get(Role.SOCIAL_WORKER)
    return rows


def assignment_history(user, mahalla: Mahalla) -> QuerySet:
    return (Assignment.objects.visible_to(user).filter(mahalla=mahalla).select_related("user")
            .order_by("-starts_on", "role"))
