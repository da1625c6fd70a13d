from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from accounts.models import Role
        from territories.home import register_home_panel

        from . import home_panels, receivers, rules  # noqa: F401 - rules register their capabilities on import

        receivers.connect()
        register_home_panel(Role.NATIONAL, home_panels.national_panel, order=0)
