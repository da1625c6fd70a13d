from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "surveillance"
    verbose_name = _("Surveillance")

    def ready(self):
        from accounts.models import FIELD_ROLES, Role
        from territories.home import register_home_panel
        from territories.panels import register_panel

        from . import (
            home_panels,
            panels,
            rules,  # noqa: F401 - registers this app's capabilities
        )

        register_panel("district", panels.territory_panel, order=30)
        register_panel("mahalla", panels.territory_panel, order=30)
        register_home_panel(Role.OPERATOR, home_panels.queue_panel, order=0)
        register_home_panel((Role.OPERATOR, Role.DISTRICT), home_panels.camera_health_panel, order=5)
        register_home_panel(FIELD_ROLES, home_panels.recent_alerts_panel, order=30)
