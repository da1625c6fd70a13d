from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MahallasConfig(AppConfig):
    name = "mahallas"
    verbose_name = _("Territories")
