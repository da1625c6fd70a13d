"""manage.py import_boundaries FILE --level region|district|mahalla --name-field F [--code-field F] ...

Import regions first, then districts, then mahallas: each level is placed inside the one above it.
The rules (parent choice, matching, generated codes, repairs) are in mahallas/importing/.
"""

from django.core.management.base import BaseCommand, CommandError

from mahallas.importing import (
    LEVELS,
    PARENT_RULES,
    BoundaryImportError,
    FieldMap,
    ImportReport,
    boundaries_import,
)


class Command(BaseCommand):
    help = "Create or update regions, districts or mahallas from a GeoJSON, Shapefile or GeoPackage file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Any vector file GDAL reads.")
        parser.add_argument("--level", required=True, choices=LEVELS)
        parser.add_argument("--name-field", required=True, help="Attribute holding the Uzbek (Latin) name.")
        parser.add_argument("--code-field", help="Attribute holding the official code. Without it units are "
                                                 "matched by name within their parent and new ones get a "
                                                 "generated code <parent code>-<n>.")
        parser.add_argument("--name-uz-cyrl-field", help="Attribute holding the Uzbek (Cyrillic) name.")
        parser.add_argument("--name-ru-field", help="Attribute holding the Russian name.")
        parser.add_argument("--name-en-field", help="Attribute holding the English name.")
        parser.add_argument("--kind-field", help="Districts: attribute saying city or district. Without "
                                                 "it, names ending in 'city', 'shahri', 'shahar' are cities.")
        parser.add_argument("--population-field", help="Mahallas: attribute holding the population.")
        parser.add_argument("--households-field", help="Mahallas: attribute holding the households.")
        parser.add_argument("--parent-code-field", help="Attribute holding the parent's code; replaces the "
                                                        "spatial placement.")
        parser.add_argument("--parent-rule", choices=PARENT_RULES, default="overlap",
                            help="overlap (default): the parent holding most of the unit's area; point: the "
                                 "parent containing its point-on-surface. Either falls back to the nearest.")
        parser.add_argument("--parent-override", action="append", default=[], metavar="NAME=CODE",
                            help="Put the unit called NAME under the parent with code CODE, whatever its "
                                 "shape says; for sources with known misplaced shapes. Repeatable.")
        parser.add_argument("--layer", help="Layer name, for files with several (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then roll back.")

    def handle(self, *args, **options):
        fields = FieldMap(
            name=options["name_field"],
            code=options["code_field"],
            name_uz_cyrl=options["name_uz_cyrl_field"],
            name_ru=options["name_ru_field"],
            name_en=options["name_en_field"],
            kind=options["kind_field"],
            population=options["population_field"],
            households=options["households_field"],
            parent_code=options["parent_code_field"],
        )
        overrides = {}
        for item in options["parent_override"]:
            name, sep, code = item.partition("=")
            if not sep or not name.strip() or not code.strip():
                raise CommandError(f"--parent-override {item!r}: expected NAME=CODE.")
            overrides[name.strip()] = code.strip()
        try:
            report = boundaries_import(
                path=options["file"],
                level=options["level"],
                fields=fields,
                layer=options["layer"],
                parent_rule=options["parent_rule"],
                parent_overrides=overrides,
                dry_run=options["dry_run"],
            )
        except BoundaryImportError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        self._print(report, verbosity=options["verbosity"])

    def _print(self, report: ImportReport, *, verbosity: int) -> None:
        for title, lines in (("Attached to the nearest parent", report.attached_to_nearest),
                             ("Repaired geometry", report.repaired),
                             ("Warnings", report.warnings)):
            if lines:
                self.stdout.write(self.style.WARNING(f"{title} ({len(lines)}):"))
                for line in lines:
                    self.stdout.write(f"  - {line}")
        if verbosity >= 2:
            for title, names in (("Created", report.created), ("Updated", report.updated)):
                if names:
                    self.stdout.write(f"{title}: {', '.join(names)}")
        summary = (
            f"{report.level}: {report.total} in file — {len(report.created)} created, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.attached_to_nearest)} attached to the nearest parent, "
            f"{len(report.repaired)} repaired."
        )
        if report.dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing saved. {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
