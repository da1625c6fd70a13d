from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "surveillance"
    verbose_name = _("Surveillance")

    def ready(self):
        from territories.panels import register_panel

        from . import (
            panels,
            rules,  # noqa: F401 - registers this app's capabilities
        )

        register_panel("district", panels.territory_panel, order=30)
        register_panel("mahalla", panels.territory_panel, order=30)
