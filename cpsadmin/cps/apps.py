from django.apps import AppConfig


class CpsConfig(AppConfig):
    name = "cpsadmin.cps"
