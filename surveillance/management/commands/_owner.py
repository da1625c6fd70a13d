"""The owner of an integration on the command line: `--district CODE` or, for the exception, `--national`."""

from django.core.management.base import CommandError

from mahallas.models import District


def add_owner_arguments(parser) -> None:
    owner = parser.add_mutually_exclusive_group(required=True)
    owner.add_argument("--district", help="Official code of the district whose cameras this integration speaks for "
                                          "(its events match no other district's camera, and its district gets "
                                          "alerts from cameras nobody has registered).")
    owner.add_argument("--national", action="store_true",
                       help="The exception: an integration that may speak for every district's cameras.")


def owner_of(code: str | None) -> District | None:
    if not code:
        return None
    district = District.objects.filter(code=code).first()
    if district is None:
        raise CommandError(f"No district with code {code}.")
    return district
