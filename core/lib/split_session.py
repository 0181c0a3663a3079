"""A secret held for the length of a session, split in two halves (docs/architecture.md §3).

The secret is sealed under a random per-session key. The sealed copy lives in the server-side
session; the per-session key lives only in its own HttpOnly, SameSite=Strict cookie. Neither a
copy of the session store nor a stolen cookie alone opens the secret. Staff private keys
(counselors.keysession) and reporters' case keys (hotline.portal) are both held this way.
"""

import base64
import binascii
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core import crypto
from core.crypto import labels


@dataclass(frozen=True)
class SplitSecret:
    cookie_name: str
    session_key: str
    aad_label: str  # names the purpose in the seal's associated data: a labels.SPLIT_* name

    @property
    def _pending_attr(self) -> str:
        # The request attribute holding the cookie value to set ("" deletes the cookie).
        return f"_split_cookie_{self.cookie_name}"

    def _aad(self, binding: str) -> bytes:
        return labels.split_secret_seal(self.aad_label, binding)

    def hold(self, request: HttpRequest, secret: bytes, *, binding: str = "") -> None:
        """Seal `secret` into the session; the cookie set by `apply` carries the other half."""
        session_key = secrets.token_bytes(32)
        sealed = crypto.seal(session_key, secret, aad=self._aad(binding))
        request.session[self.session_key] = base64.b64encode(sealed).decode()
        setattr(request, self._pending_attr, base64.urlsafe_b64encode(session_key).decode())

    def drop(self, request: HttpRequest) -> None:
        request.session.pop(self.session_key, None)
        setattr(request, self._pending_attr, "")

    def read(self, request: HttpRequest, *, binding: str = "") -> bytes | None:
        """The secret, or None when the session or the cookie lacks its half."""
        sealed = request.session.get(self.session_key)
        cookie = getattr(request, self._pending_attr, None) or request.COOKIES.get(self.cookie_name)
        if not sealed or not cookie:
            return None
        try:
            session_key = base64.urlsafe_b64decode(cookie)
            return crypto.unseal(session_key, base64.b64decode(sealed), aad=self._aad(binding))
        except (binascii.Error, ValueError, crypto.CryptoError):
            return None

    def apply(self, request: HttpRequest, response: HttpResponse, *, stale: bool = False) -> None:
        """Set or delete the cookie as `hold`/`drop` asked; `stale` also deletes a cookie the
        request brought that no longer has a session half to go with."""
        pending = getattr(request, self._pending_attr, None)
        if pending:
            response.set_cookie(
                self.cookie_name,
                pending,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
        elif (pending == "" or stale) and self.cookie_name in request.COOKIES:
            response.delete_cookie(self.cookie_name, samesite="Strict")
