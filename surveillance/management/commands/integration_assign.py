"""manage.py integration_assign --name NAME (--district CODE | --national): the cameras it speaks for from now on."""

from django.core.management.base import BaseCommand, CommandError

from surveillance.errors import SurveillanceError
from surveillance.models import Integration
from surveillance.services.integrations import integration_assign

from ._owner import add_owner_arguments, owner_of


class Command(BaseCommand):
    help = "Give an integration its district (or make it national); see integration_unassigned."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        add_owner_arguments(parser)

    def handle(self, *args, name, district, national, **options):
        integration = Integration.objects.filter(name=name).first()
        if integration is None:
            raise CommandError(f"No integration named {name}.")
        try:
            integration = integration_assign(integration=integration, district=owner_of(district),
                                             national=national)
        except SurveillanceError as exc:
            raise CommandError(str(exc.message)) from None
        owner = "national" if integration.is_national else f"district {integration.district.code}"
        self.stdout.write(f"Integration {name} now speaks for {owner}.")
