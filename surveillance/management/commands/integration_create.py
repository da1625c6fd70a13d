"""manage.py integration_create --name NAME [--district CODE] [--allow-ip CIDR ...]

Prints the new token on the last line. It is shown only now: the database keeps its hash.
"""

from django.core.management.base import BaseCommand, CommandError

from mahallas.models import District
from surveillance.errors import SurveillanceError
from surveillance.services import integration_create


class Command(BaseCommand):
    help = "Create an integration (an NVR, a site, an analytics server) and print its secret token."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--district", help="Official code of the district whose operators get alerts from "
                                               "cameras this integration sends but nobody has registered.")
        parser.add_argument("--allow-ip", action="append", default=[], metavar="CIDR",
                            help="Accept requests only from this network (repeatable). Default: any address.")

    def handle(self, *args, name, district, allow_ip, **options):
        unit = None
        if district:
            unit = District.objects.filter(code=district).first()
            if unit is None:
                raise CommandError(f"No district with code {district}.")
        try:
            integration, token = integration_create(name=name, district=unit, allowed_networks=allow_ip)
        except SurveillanceError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"Integration {integration.name} created (id {integration.pk}). Store the token now: "
                          "it is not shown again.")
        self.stdout.write(token)
