from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = _("Roadmaps")

    def ready(self):
        from territories.panels import register_panel

        from . import rules  # noqa: F401 - registers this app's capabilities
        from .panels import roadmap_panel

        for level in ("region", "district", "mahalla"):
            register_panel(level, roadmap_panel, order=20)
