from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from . import (
            receivers,
            rules,  # noqa: F401 - registers this app's capabilities
        )

        receivers.connect()
