import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from core.lib.paths import is_staff_path
from core.models import User
from core.selectors import second_factor_passed, user_has_totp
from counselors.services import SESSION_STARTED_KEY, staff_logout

Handler = Callable[[HttpRequest], HttpResponse]

# Pages a signed-in user may reach before the second factor is verified.
UNVERIFIED_ALLOWED = {"counselors:verify", "counselors:setup", "counselors:logout"}
ANONYMOUS_ALLOWED = {"counselors:login"}


def staff_gate(get_response: Handler) -> Handler:
    """Every staff and administration URL needs a password *and* a second factor.

    Also ends sessions past their absolute lifetime; the idle timeout is the session
    cookie's age, renewed on every request.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not is_staff_path(request.path):
            return get_response(request)
        try:
            match = resolve(request.path_info)
            view_name = match.view_name
        except Resolver404:
            view_name = ""
        user = request.user
        if not user.is_authenticated:
            if view_name in ANONYMOUS_ALLOWED:
                return get_response(request)
            return redirect("counselors:login")
        started = request.session.get(SESSION_STARTED_KEY, 0)
        if time.time() - started > settings.HOTLINE_SESSION_ABSOLUTE_SECONDS:
            staff_logout(request=request, expired=True)
            return redirect("counselors:login")
        if not second_factor_passed(user) and view_name not in UNVERIFIED_ALLOWED:
            has_device = isinstance(user, User) and user_has_totp(user)
            return redirect("counselors:verify" if has_device else "counselors:setup")
        return get_response(request)

    return middleware
