from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = _("Crime-free zone status")

    def ready(self):
        from territories.panels import register_panel

        from . import (
            panels,
            receivers,
            rules,  # noqa: F401 - registers this app's capabilities
        )

        receivers.connect_surveillance()
        register_panel("mahalla", panels.mahalla_panel, order=10)
        for level in ("national", "region", "district"):
            register_panel(level, panels.territory_panel, order=10)
