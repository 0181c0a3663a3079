"""Counting public submissions and receipt guesses in Django's cache, instead of CAPTCHAs.

Nothing about the client goes into a key: not an address, not a cookie. Submissions are
counted per minute overall and per organisation; receipt guesses per minute overall and,
for a lookup part, over a few minutes under a keyed hash so the cache holds no receipt digits.
"""

import time

from django.conf import settings
from django.core.cache import cache

from core import crypto
from core.crypto import labels
from core.keyring import keyring


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _window_count(scope: str, *, window: int, add: int = 1) -> int:
    key = f"throttle:{scope}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window * 2)
    try:
        return int(cache.incr(key, add))
    except ValueError:  # evicted between add and incr
        cache.set(key, add, timeout=window * 2)
        return add


def intake_allowed(organisation_code: str) -> bool:
    """Counts one submission; False when too many arrived this minute."""
    overall = _window_count("intake", window=60)
    local = _window_count(f"intake:{organisation_code}", window=60)
    return overall <= _setting("HOTLINE_INTAKE_PER_MINUTE", 60) and local <= _setting(
        "HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE", 10
    )


def _lookup_key(lookup: str) -> str:
    return (
        "receipt-failures:"
        + crypto.mac(keyring().current_hmac.secret, labels.receipt_throttle_mac(lookup))[:32]
    )


def receipt_attempt_allowed(lookup: str | None) -> bool:
    """Counts one attempt; False when there were too many overall this minute, or too many
    failures for this lookup part lately."""
    overall = _window_count("receipt", window=60)
    if overall > _setting("HOTLINE_RECEIPT_ATTEMPTS_PER_MINUTE", 60):
        return False
    if lookup is None:
        return True
    return int(cache.get(_lookup_key(lookup), 0)) < _setting("HOTLINE_RECEIPT_FAILURES", 5)


def receipt_failure_count(lookup: str) -> None:
    key = _lookup_key(lookup)
    ttl = _setting("HOTLINE_RECEIPT_FAILURE_SECONDS", 15 * 60)
    cache.add(key, 0, timeout=ttl)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=ttl)


def receipt_failures_forget(lookup: str) -> None:
    cache.delete(_lookup_key(lookup))
