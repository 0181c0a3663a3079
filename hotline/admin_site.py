from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class HotlineAdminSite(OTPAdminSite):
    site_header = _("Ethics Hotline administration")
    site_title = _("Ethics Hotline administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and getattr(user, "role", None) == "administrator"
            and user.is_verified()  # type: ignore[union-attr]
        )

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:  # type: ignore[override]
        # One sign-in page for all staff, with its throttling and audit trail.
        return redirect("counselors:login")
