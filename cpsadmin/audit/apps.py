from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cpsadmin.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from cpsadmin.audit import signals  # noqa: F401
