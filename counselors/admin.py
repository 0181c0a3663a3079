from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from counselors.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Role"), {"fields": ("role", "organisation")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "organisation")}),
    )
