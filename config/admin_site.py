from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from cases.policy import may_administer
from core.selectors import second_factor_passed


class HotlineAdminSite(OTPAdminSite):
    site_header = _("Ethics Hotline administration")
    site_title = _("Ethics Hotline administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return may_administer(request.user) and second_factor_passed(request.user)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        # One sign-in page for all staff, with its throttling and audit trail.
        return redirect("counselors:login")
