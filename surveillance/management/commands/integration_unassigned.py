"""manage.py integration_unassigned: integrations that belong to no district and are not national.

Their events are refused (403) until an administrator runs integration_assign. The migration that gave every
integration its district left these: the cameras they reported were in several districts, or none.
"""

from django.core.management.base import BaseCommand

from surveillance.models import Integration


class Command(BaseCommand):
    help = "List integrations without a district (refused at ingest until assigned with integration_assign)."

    def handle(self, *args, **options):
        rows = list(Integration.objects.unassigned().active().order_by("name"))
        if not rows:
            self.stdout.write("Every active integration has a district or is national.")
            return
        for integration in rows:
            codes = sorted(set(integration.alerts.filter(camera__isnull=False)
                               .values_list("camera__district__code", flat=True)))
            self.stdout.write(f"{integration.name}\t(id {integration.pk})\tcameras reported in: "
                              f"{', '.join(codes) or 'none'}")
