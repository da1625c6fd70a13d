"""A measure's KPIs: planned with the measure, then dated values reported on the roadmap in force."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.changes import snapshot
from core.dates import today

from ..errors import RoadmapError
from ..models import ItemChange, Kpi, KpiDirection, KpiUpdate, RoadmapItem, RoadmapStatus
from .guards import require_editable, require_not_history
from .trail import KPI_AUDITED_FIELDS, Action, audit_write, audited_update, log_item
from .values import clean_date, clean_decimal, clean_kpi, json_value


@transaction.atomic
def kpi_create(*, by: User, item: RoadmapItem, indicator: str, target, unit: str = "", baseline=None,
               direction: str = KpiDirection.INCREASE) -> Kpi:
    require_editable(item.roadmap)
    cleaned = clean_kpi({"indicator": indicator, "unit": unit, "baseline": baseline, "target": target,
                         "direction": direction})
    kpi = Kpi.objects.create(item=item, **cleaned)
    audit_write(by=by, obj=kpi, before={}, fields=KPI_AUDITED_FIELDS, action=Action.CREATE, territory=item.roadmap)
    log_item(by=by, item=item, action=ItemChange.Action.UPDATED,
             changes={"kpi": [None, f"{kpi.indicator}: {kpi.target} {kpi.unit}".strip()]})
    return kpi


@transaction.atomic
def kpi_record(*, by: User, kpi: Kpi, on, value, note: str = "") -> KpiUpdate:
    """A dated value; the KPI's actual becomes the value of the latest date."""
    require_not_history(kpi.item.roadmap)
    on = clean_date("on", on)
    if on is None:
        raise RoadmapError("on", _("This field is required."))
    if on > today():
        raise RoadmapError("on", _("A value cannot be recorded for a future date."))
    value = clean_decimal("value", value, required=True)
    update = KpiUpdate.objects.create(kpi=kpi, on=on, value=value, note=(note or "").strip()[:300], by=by)
    latest = kpi.updates.order_by("-on", "-id").first()
    before = kpi.actual
    audited = snapshot(kpi, ["actual"])
    kpi.actual = latest.value
    kpi.save(update_fields=["actual"])
    if before != kpi.actual:
        roadmap = kpi.item.roadmap
        audit_write(by=by, obj=kpi, before=audited, fields=["actual"], territory=roadmap,
                    details={"kpi_update": update.pk})
        log_item(by=by, item=kpi.item, action=ItemChange.Action.UPDATED,
                 changes={f"kpi:{kpi.indicator}": [json_value(before), json_value(kpi.actual)]})
        copies = Kpi.objects.filter(origin=kpi, item__roadmap__status__in=[
            RoadmapStatus.DRAFT, RoadmapStatus.SUBMITTED, RoadmapStatus.RETURNED]).select_related("item__roadmap")
        audited_update(by=by, queryset=copies, fields={"actual": kpi.actual}, audited=("actual",),
                       territory_of=lambda copy: copy.item.roadmap)
    return update
