from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Field work")

    def ready(self):
        from accounts.models import FIELD_ROLES, Role
        from territories.home import register_home_panel
        from territories.panels import register_panel

        from . import (
            home_panels,
            rules,  # noqa: F401 - registers this app's capabilities
        )
        from .panels import district_panel, mahalla_panel, region_panel

        register_panel("mahalla", mahalla_panel, order=30)
        register_panel("district", district_panel, order=30)
        register_panel("region", region_panel, order=30)
        register_home_panel(FIELD_ROLES, home_panels.actions_panel, order=0)
        register_home_panel(FIELD_ROLES, home_panels.due_panel, order=10)
        register_home_panel((Role.REGISTRAR, Role.REGIONAL, Role.DISTRICT, Role.NATIONAL),
                            home_panels.decisions_panel, order=10)
