from django.apps import AppConfig


class ReinstallsConfig(AppConfig):
    name = "cpsadmin.reinstalls"

    def ready(self):
        # Registers the deployment checks (cpsadmin.E001 and friends).
        from cpsadmin import checks  # noqa: F401
