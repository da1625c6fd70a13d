"""manage.py integration_rotate --name NAME: a new token (printed on the last line); the old one stops working."""

from django.core.management.base import BaseCommand, CommandError

from surveillance.errors import SurveillanceError
from surveillance.models import Integration
from surveillance.services.integrations import integration_rotate


class Command(BaseCommand):
    help = "Replace an integration's token and print the new one."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)

    def handle(self, *args, name, **options):
        integration = Integration.objects.filter(name=name).first()
        if integration is None:
            raise CommandError(f"No integration named {name}.")
        try:
            token = integration_rotate(integration=integration)
        except SurveillanceError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"Token of {name} replaced; the old one no longer works. Store the new one now:")
        self.stdout.write(token)
