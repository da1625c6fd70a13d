from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = _("Roadmaps")

    def ready(self):
        from accounts.models import Role
        from territories.home import register_home_panel
        from territories.panels import register_panel

        from . import rules  # noqa: F401 - registers this app's capabilities
        from .home_panels import roadmaps_panel
        from .panels import roadmap_panel

        for level in ("region", "district", "mahalla"):
            register_panel(level, roadmap_panel, order=20)
        register_home_panel((Role.REGIONAL, Role.DISTRICT, Role.NATIONAL), roadmaps_panel, order=5)
