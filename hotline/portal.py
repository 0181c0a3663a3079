"""The reporter's side of a session: the receipt shown once, and the case opened by it.

Both are held as split secrets (core.lib.split_session): sealed in the server-side session,
opened only with a key in their own HttpOnly cookie. The session store alone holds no receipt,
no case key and not even which case is open; the cookies alone hold nothing but random keys.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from cases.models import Case
from core import crypto
from core.crypto import labels
from core.lib.split_session import SplitSecret

CASE_KEY = SplitSecret(
    cookie_name="hotline_case",
    session_key="hotline_sealed_case",
    aad_label=labels.SPLIT_REPORTER_CASE,
)
RECEIPT_ONCE = SplitSecret(
    cookie_name="hotline_receipt",
    session_key="hotline_sealed_receipt",
    aad_label=labels.SPLIT_RECEIPT_ONCE,
)
# A reply typed past the idle limit, carried through the receipt form and held (sealed, like
# the case key) only across the redirect back to the case page.
REPLY_DRAFT = SplitSecret(
    cookie_name="hotline_draft",
    session_key="hotline_sealed_draft",
    aad_label=labels.SPLIT_REPLY_DRAFT,
)
SEEN_KEY = "hotline_case_seen"
IDLE_DEFAULT = 15 * 60

_TO_SHOW = b"R"  # the receipt's digits, not yet shown
_TO_CONFIRM = b"C"  # shown; its last group, for the reporter to type back


def _minute_now() -> int:
    # Minutes, not seconds: the session store keeps no precise time of a reporter's visit.
    return int(time.time()) // 60 * 60


def idle_seconds() -> int:
    return int(getattr(settings, "HOTLINE_PORTAL_IDLE_SECONDS", IDLE_DEFAULT))


@dataclass(frozen=True)
class OpenCase:
    case: Case
    key: bytes


# ---- the receipt, shown once ---------------------------------------------------------------


def receipt_hold(request: HttpRequest, receipt: crypto.Receipt) -> None:
    RECEIPT_ONCE.hold(request, _TO_SHOW + receipt.digits.encode())


def receipt_take(request: HttpRequest) -> str | None:
    """The receipt's digits the first time this is asked, then never again (None)."""
    held = RECEIPT_ONCE.read(request)
    if held is None or not held.startswith(_TO_SHOW):
        return None
    digits = held[1:].decode()
    RECEIPT_ONCE.hold(request, _TO_CONFIRM + digits[-4:].encode())
    return digits


def receipt_awaits_confirmation(request: HttpRequest) -> bool:
    held = RECEIPT_ONCE.read(request)
    return held is not None and held.startswith(_TO_CONFIRM)


def receipt_confirm(request: HttpRequest, typed: str) -> bool:
    """Whether `typed` is the last group of the receipt just shown; forgets it when it is."""
    held = RECEIPT_ONCE.read(request)
    if held is None or not held.startswith(_TO_CONFIRM):
        return False
    digits = typed.translate({0x0E50 + i: ord("0") + i for i in range(10)})
    digits = "".join(c for c in digits if not c.isspace())
    if not crypto.constant_time_equal(digits.encode(), held[1:]):
        return False
    RECEIPT_ONCE.drop(request)
    return True


# ---- the case opened with a receipt ---------------------------------------------------------


def portal_open(request: HttpRequest, case: Case, key: bytes) -> None:
    request.session.cycle_key()  # a new session id: nothing from before follows the reporter in
    CASE_KEY.hold(request, case.uid.bytes + key)
    request.session[SEEN_KEY] = _minute_now()


def portal_close(request: HttpRequest) -> None:
    CASE_KEY.drop(request)
    RECEIPT_ONCE.drop(request)
    REPLY_DRAFT.drop(request)
    request.session.flush()


def portal_case(request: HttpRequest) -> tuple[OpenCase | None, bool]:
    """The open case, or None; and whether a case was open but left idle too long."""
    held = CASE_KEY.read(request)
    if held is None or len(held) != 16 + crypto.KEY_SIZE:
        return None, False
    seen = int(request.session.get(SEEN_KEY, 0))
    if _minute_now() - seen >= idle_seconds():
        portal_close(request)
        return None, True
    case = (
        Case.objects.select_related("organisation", "category")
        .filter(uid=uuid.UUID(bytes=held[:16]), purged_at__isnull=True)
        .first()
    )
    if case is None:
        portal_close(request)
        return None, False
    request.session[SEEN_KEY] = _minute_now()
    return OpenCase(case=case, key=held[16:]), False


def reply_draft_hold(request: HttpRequest, text: str) -> None:
    REPLY_DRAFT.hold(request, text.encode())


def reply_draft_take(request: HttpRequest) -> str:
    """The reply carried through the receipt form, once; "" when there is none."""
    held = REPLY_DRAFT.read(request)
    if held is None:
        return ""
    REPLY_DRAFT.drop(request)
    return held.decode(errors="replace")


View = Callable[..., HttpResponse]

SPLIT_SECRETS = (CASE_KEY, RECEIPT_ONCE, REPLY_DRAFT)


def split_cookies(view: View) -> View:
    """Sets or deletes the cookie halves that the view's hold/drop calls asked for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        for secret in SPLIT_SECRETS:
            secret.apply(request, response, stale=secret.session_key not in request.session)
        return response

    return wrapper
