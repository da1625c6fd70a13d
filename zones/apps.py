from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = _("Crime-free zone status")

    def ready(self):
        from accounts.models import FIELD_ROLES, Role
        from territories.home import register_home_panel
        from territories.panels import register_panel

        from . import (
            home_panels,
            panels,
            receivers,
            rules,  # noqa: F401 - registers this app's capabilities
        )

        receivers.connect_surveillance()
        register_panel("mahalla", panels.mahalla_panel, order=10)
        for level in ("national", "region", "district"):
            register_panel(level, panels.territory_panel, order=10)
        register_home_panel(FIELD_ROLES, home_panels.my_mahallas_panel, order=20)
        register_home_panel((Role.REGIONAL, Role.DISTRICT), home_panels.attention_panel, order=20)
