"""Compute a week's risk scores, hot spots and backtest now (the Monday-night task does the same)."""

from django.core.management.base import BaseCommand, CommandError

from risk import services, weeks


class Command(BaseCommand):
    help = "Compute the risk scores, hot spots and backtest of a week (default: the week that began last Monday)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help='ISO week ("2026-W10") or a date in it ("2026-03-04").')

    def handle(self, *args, week=None, **options):
        try:
            monday = weeks.parse(week) if week else None
        except ValueError as exc:
            raise CommandError(f'--week: expected an ISO week like "2026-W10" or a date, got "{week}"') from exc
        if monday and monday > weeks.current():
            # Its data is not all in yet: the scores would look like a quiet week everywhere.
            raise CommandError(f"--week: {weeks.label(monday)} has not begun yet")
        result = services.compute_week(monday)
        if not result.mahallas:
            self.stdout.write("No mahallas: nothing to compute.")
            return
        self.stdout.write(
            f"{weeks.label(result.week)}: {result.mahallas} mahallas scored, ranked by {result.ranked_by} "
            f"(model beats the count baseline: {'yes' if result.beats else 'no'}); "
            f"{result.hot} hot and {result.cold} cold spots; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
