"""manage.py recompute_status [--period H1-2025 ...] [--all-periods]

Without options: the periods that include today, "current" and recently ended ones (what the nightly task
does). --all-periods: every quarter, half-year and year from the earliest incident to today.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.periods import Period, PeriodError, recent_periods, today
from incidents.models import Incident
from zones.services import status_recompute_national


class Command(BaseCommand):
    help = "Recompute every mahalla's crime-free zone status (one set-based statement per call)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[],
                            help="H1-2025, Q3-2025, 2025 or current; may be repeated")
        parser.add_argument("--all-periods", action="store_true",
                            help="every calendar period from the earliest incident to today")

    def handle(self, *args, period, all_periods, **options):
        try:
            periods = [Period.parse(p) for p in period]
        except PeriodError as exc:
            raise CommandError(f"unknown period {exc}: use H1-2025, Q3-2025, 2025 or current") from exc
        if all_periods:
            periods.extend(self._all_periods())
        if not periods:
            periods = recent_periods()
        result = status_recompute_national(periods=periods)
        self.stdout.write(self.style.SUCCESS(
            f"Recomputed {len(result.periods)} period(s) ({', '.join(result.periods)}) in {result.seconds:.2f} s: "
            f"{result.rows_changed} status row(s) changed, {len(result.events)} colour change(s)."))

    def _all_periods(self) -> list[Period]:
        first = Incident.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        end = today()
        start = first.date() if first else end
        found, day = {}, datetime.date(start.year, 1, 1)
        while day <= end:
            for p in Period.containing(day):
                found[p.key] = p
            day = (day.replace(day=1) + datetime.timedelta(days=92)).replace(day=1)
        return [Period.current(), *found.values()]
