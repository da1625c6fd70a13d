from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = _("Roadmaps")

    def ready(self):
        from accounts.panels import register_panel

        from .panels import roadmap_panel

        for level in ("region", "district", "mahalla"):
            register_panel(level, roadmap_panel, order=20)
