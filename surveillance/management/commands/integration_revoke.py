"""manage.py integration_revoke --name NAME: its token stops working at once (answers 401)."""

from django.core.management.base import BaseCommand, CommandError

from surveillance.models import Integration
from surveillance.services.integrations import integration_revoke


class Command(BaseCommand):
    help = "Revoke an integration's token."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)

    def handle(self, *args, name, **options):
        integration = Integration.objects.filter(name=name).first()
        if integration is None:
            raise CommandError(f"No integration named {name}.")
        integration_revoke(integration=integration)
        self.stdout.write(f"Integration {name} revoked.")
