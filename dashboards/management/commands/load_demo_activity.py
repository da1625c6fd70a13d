"""manage.py load_demo_activity: after `load_demo`, the activity that makes the demo worth opening."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from incidents.demo import DEFAULT_SEED, demo_activity_load
from roadmaps.demo import demo_roadmap_load
from surveillance.demo import demo_cameras_load


class Command(BaseCommand):
    help = ("Load demo activity on top of `load_demo`: 112 weeks of incidents across the country (with hot spots, "
            "seasons and near-repeat bursts), field visits and "
            "support cases in the demo district, its cameras and a month of their alerts (partly reviewed), its "
            "approved roadmap for the year; then "
            "compute every zone status and the dashboards' statistics. Runs once: a database that already holds "
            "incidents or cameras keeps them and gets none of these.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, seed, **options):
        if settings.HTTPS and not settings.DEBUG:
            raise CommandError("Refusing to load demo data into a production deployment (DJANGO_HTTPS=true).")
        national = User.objects.filter(username="demo_national", role=Role.NATIONAL).first()
        operator = User.objects.filter(username="demo_operator", role=Role.OPERATOR).first()
        official = User.objects.filter(username="demo_district", role=Role.DISTRICT).first()
        regional = User.objects.filter(username="demo_region", role=Role.REGIONAL).first()
        if None in (national, operator, official, regional) or not operator.district_id:
            raise CommandError("Run `manage.py load_demo` first: the demo users are missing.")
        started = time.monotonic()
        field = demo_activity_load(by=national, requester=regional, district_id=operator.district_id, seed=seed)
        cameras = demo_cameras_load(operator=operator, seed=seed)
        roadmap = demo_roadmap_load(district_official=official, approver=regional)
        for skipped in [*field.skipped, cameras.skipped]:
            if skipped:
                self.stdout.write(f"Skipped {skipped}.")
        if field.incidents or cameras.alerts or roadmap:
            call_command("recompute_status", all_periods=True, stdout=self.stdout)
            call_command("dashboards_rebuild", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Demo activity in {time.monotonic() - started:.1f} s: {field.incidents} incidents, {field.visits} visits, "
            f"{field.cases} support cases, {field.change_requests} count change requests, "
            f"{cameras.cameras} cameras, {cameras.alerts} alerts "
            f"({cameras.reviewed} reviewed), {roadmap.items.count() if roadmap else 0} roadmap measures."))
