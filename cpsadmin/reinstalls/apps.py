from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReinstallsConfig(AppConfig):
    name = "cpsadmin.reinstalls"
    verbose_name = _("Reinstalls")

    def ready(self):
        # Registers the deployment checks (cpsadmin.E001 and friends).
        from cpsadmin import checks  # noqa: F401
