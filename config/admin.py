"""The administration pages: people, organisations, categories and deadlines; never case content."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Category, DeadlinePolicy
from cases.selectors import NAMEABLE_ROLES
from core.models import Organisation, SealedTOTPDevice, User


def _names_required(form: forms.ModelForm) -> None:
    # Reporters choose counselors and supervisors by name when a report involves them
    # (hotline.selectors.nameable_staff lists only those with a full name).
    if form.cleaned_data.get("role") in NAMEABLE_ROLES:
        for field in ("first_name", "last_name"):
            if not form.cleaned_data.get(field, "").strip():
                form.add_error(field, _("Counselors and supervisors need a first and last name."))


class StaffChangeForm(UserChangeForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _names_required(self)
        return data


class StaffCreationForm(AdminUserCreationForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _names_required(self)
        return data


@admin.register(User)
class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Role"), {"fields": ("role", "organisation")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "organisation", "first_name", "last_name")}),
    )


# django-otp's own admin pages show TOTP secrets and backup codes. Administrators only need
# to see who has a device and to delete one (a 2FA reset: the person enrols again at sign-in).
# Plain TOTPDevices are no longer used (counselors.SealedTOTPDevice replaced them) and get no page.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class DeviceResetAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(SealedTOTPDevice, DeviceResetAdmin)
admin.site.register(StaticDevice, DeviceResetAdmin)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "type", "parent", "headcount", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["code", "name_th", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "label_th", "label_en", "is_corruption", "is_active"]
    list_filter = ["kind", "is_corruption", "is_active"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "acknowledge_days",
        "feedback_days",
        "answer_days",
        "retention_years",
    ]
    raw_id_fields = ["organisation"]
