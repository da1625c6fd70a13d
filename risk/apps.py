from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Risk and hot spots")

    def ready(self):
        from accounts.models import FIELD_ROLES, Role
        from territories.home import register_home_panel
        from territories.panels import register_panel

        from . import (
            home_panels,
            rules,  # noqa: F401 - registers this app's capabilities
            territory_panels,
        )

        # After the big "log a visit" buttons (0), before the due list (10): the plan is what the week is for.
        register_home_panel(FIELD_ROLES, home_panels.plan_panel, order=5)
        register_home_panel(Role.DISTRICT, home_panels.district_panel, order=15)
        # After the zone status (10): the colour says what was, the risk what may come.
        register_panel("mahalla", territory_panels.mahalla_panel, order=15)
