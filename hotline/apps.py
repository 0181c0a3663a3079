from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "Ethics Hotline"
    default = True


class HotlineAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "hotline.admin_site.HotlineAdminSite"
