"""Holding a staff member's unlocked private key for the length of a session (docs/architecture.md
§3).

The key is split between the server-side session (sealed) and its own HttpOnly,
SameSite=Strict cookie (the sealing key): see core.lib.split_session.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.crypto import labels
from core.lib.split_session import SplitSecret

COOKIE_NAME = "hotline_key"
SESSION_KEY = "hotline_sealed_private"

STAFF_KEY = SplitSecret(
    cookie_name=COOKIE_NAME, session_key=SESSION_KEY, aad_label=labels.SPLIT_STAFF_KEY
)


def private_key_hold(request: HttpRequest, private: bytes) -> None:
    STAFF_KEY.hold(request, private, binding=str(request.user.pk))


def private_key_drop(request: HttpRequest) -> None:
    STAFF_KEY.drop(request)


def private_key_from_request(request: HttpRequest) -> bytes | None:
    """The unlocked private key, or None when the session or the cookie lacks its half."""
    return STAFF_KEY.read(request, binding=str(request.user.pk))


Handler = Callable[[HttpRequest], HttpResponse]


def key_cookie(get_response: Handler) -> Handler:
    """Sets or clears the per-session key cookie that private_key_hold/drop asked for."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        STAFF_KEY.apply(request, response, stale=not request.user.is_authenticated)
        return response

    return middleware
