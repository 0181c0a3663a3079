"""Holding a staff member's unlocked private key for the length of a session (DESIGN §3).

The key is sealed under a random per-session key. The sealed copy lives in the server-side
session; the per-session key lives only in its own HttpOnly, SameSite=Strict cookie. Neither a
copy of the session store nor a stolen cookie alone opens the private key.
"""

import base64
import binascii
import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from cases import crypto

COOKIE_NAME = "hotline_key"
SESSION_KEY = "hotline_sealed_private"
_PENDING = "_hotline_key_cookie"  # request attribute: the cookie value to set ("" deletes)


def _aad(user_id: object) -> bytes:
    return f"session-key:{user_id}".encode()


def private_key_hold(request: HttpRequest, private: bytes) -> None:
    session_key = secrets.token_bytes(32)
    sealed = crypto.seal(session_key, private, aad=_aad(request.user.pk))
    request.session[SESSION_KEY] = base64.b64encode(sealed).decode()
    setattr(request, _PENDING, base64.urlsafe_b64encode(session_key).decode())


def private_key_drop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    setattr(request, _PENDING, "")


def private_key_from_request(request: HttpRequest) -> bytes | None:
    """The unlocked private key, or None when the session or the cookie lacks its half."""
    sealed = request.session.get(SESSION_KEY)
    cookie = getattr(request, _PENDING, None) or request.COOKIES.get(COOKIE_NAME)
    if not sealed or not cookie:
        return None
    try:
        session_key = base64.urlsafe_b64decode(cookie)
        return crypto.unseal(session_key, base64.b64decode(sealed), aad=_aad(request.user.pk))
    except (binascii.Error, ValueError, crypto.CryptoError):
        return None


Handler = Callable[[HttpRequest], HttpResponse]


def key_cookie(get_response: Handler) -> Handler:
    """Sets or clears the per-session key cookie that private_key_hold/drop asked for."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        pending = getattr(request, _PENDING, None)
        if pending:
            response.set_cookie(
                COOKIE_NAME,
                pending,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
        elif (
            pending == "" or not request.user.is_authenticated
        ) and COOKIE_NAME in request.COOKIES:
            response.delete_cookie(COOKIE_NAME, samesite="Strict")
        return response

    return middleware
