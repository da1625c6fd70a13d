"""Recompute every stored zone status and every dashboard statistic from the counting rule in force.

Run it after a migration that changes what counts (incidents 0005: every crime ever registered counts), or after
a bulk correction of incidents: both derived stores are rebuilt from the incidents, in the background jobs'
own code paths."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute all stored zone statuses and rebuild the dashboards' statistics from the counting rule."

    def handle(self, *args, **options):
        call_command("recompute_status", all_periods=True, stdout=self.stdout)
        call_command("dashboards_rebuild", stdout=self.stdout)
