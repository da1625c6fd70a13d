from django.core.management.base import BaseCommand

from dashboards.stats import stats_rebuild


class Command(BaseCommand):
    help = "Rebuild every pre-aggregated dashboard row (daily counts per mahalla and district) from the base tables."

    def handle(self, *args, **options):
        result = stats_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Dashboard statistics rebuilt in {result.seconds:.2f} s."))
