from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Field work")

    def ready(self):
        from territories.panels import register_panel

        from . import rules  # noqa: F401 - registers this app's capabilities
        from .panels import district_panel, mahalla_panel, region_panel

        register_panel("mahalla", mahalla_panel, order=30)
        register_panel("district", district_panel, order=30)
        register_panel("region", region_panel, order=30)
