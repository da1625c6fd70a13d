"""manage.py integration_create --name NAME (--district CODE | --national) [--allow-ip CIDR ...]

Prints the new token on the last line. It is shown only now: the database keeps its hash.
"""

from django.core.management.base import BaseCommand, CommandError

from surveillance.errors import SurveillanceError
from surveillance.services.integrations import integration_create

from ._owner import add_owner_arguments, owner_of


class Command(BaseCommand):
    help = "Create an integration (an NVR, a site, an analytics server) and print its secret token."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        add_owner_arguments(parser)
        parser.add_argument("--allow-ip", action="append", default=[], metavar="CIDR",
                            help="Accept requests only from this network (repeatable). Default: any address.")

    def handle(self, *args, name, district, national, allow_ip, **options):
        try:
            integration, token = integration_create(name=name, district=owner_of(district), national=national,
                                                    allowed_networks=allow_ip)
        except SurveillanceError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"Integration {integration.name} created (id {integration.pk}). Store the token now: "
                          "it is not shown again.")
        self.stdout.write(token)
