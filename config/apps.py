from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConfigConfig(AppConfig):
    """The project itself: the admin registrations and the demo command."""

    name = "config"
    verbose_name = "Ethics Hotline"


class HotlineAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "config.admin_site.HotlineAdminSite"
