from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from core.models import Role
from core.selectors import second_factor_passed


class HotlineAdminSite(OTPAdminSite):
    site_header = _("Ethics Hotline administration")
    site_title = _("Ethics Hotline administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        is_administrator = getattr(user, "role", None) == Role.ADMINISTRATOR
        return bool(user.is_active and is_administrator and second_factor_passed(user))

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One sign-in page for all staff, with its throttling and audit trail.
        return redirect("counselors:login")
