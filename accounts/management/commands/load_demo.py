import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DemoError, demo_load
from mahallas.demo import DEFAULT_MAHALLAS, DEFAULT_SEED, MAX_MAHALLAS, DemoTerritoryError


class Command(BaseCommand):
    help = ("Load the demo: Uzbekistan's 14 regions and their real districts, synthetic mahallas, a demo "
            "login for every role and field assignments. Deterministic for a given --mahallas and --seed; a "
            "second run changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--mahallas", type=int, default=DEFAULT_MAHALLAS,
                            help=f"how many mahallas in all (default {DEFAULT_MAHALLAS}; about 9000 is the "
                                 f"real national number; at most {MAX_MAHALLAS})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"seed for mahalla shapes, names and populations (default {DEFAULT_SEED})")

    def handle(self, *args, mahallas, seed, **options):
        if settings.HTTPS and not settings.DEBUG:
            raise CommandError("Refusing to load demo users and data into a production deployment (DJANGO_HTTPS=true).")
        started = time.monotonic()
        try:
            result = demo_load(mahallas=mahallas, seed=seed)
        except (DemoError, DemoTerritoryError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started

        counts = result.counts
        labels = sorted(set(counts.created) | set(counts.updated) | set(counts.deleted))
        parts = [f"{label}: +{counts.created[label]} ~{counts.updated[label]} -{counts.deleted[label]}"
                 for label in labels
                 if counts.created[label] or counts.updated[label] or counts.deleted[label]]
        self.stdout.write(f"Demo loaded in {elapsed:.1f} s: {result.mahallas} mahallas (seed {seed}); "
                          f"{result.demo_district_mahallas} in the demo district, of which "
                          f"{result.uncovered.get('inspector', 0)} without an inspector and "
                          f"{result.uncovered.get('social_worker', 0)} without a social worker.")
        if parts:
            self.stdout.write(self.style.SUCCESS("Changes (+created ~updated -deleted): " + "; ".join(parts)))
        else:
            self.stdout.write(self.style.SUCCESS("Already up to date: nothing changed."))
        self.stdout.write(f"Demo logins: run `manage.py demo_logins` (password: {settings.DEMO_PASSWORD}).")
