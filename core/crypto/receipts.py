"""Receipts: a reporter's only way back to their case (docs/architecture.md §3).

24 digits, shown once in groups of four: 7 to find the case, 16 to prove it (through
Argon2id, cases.receipts), and one Damm check digit that catches a mistyped or swapped digit
before any work is done.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from typing import Final

from core.crypto.primitives import fail

RECEIPT_LOOKUP_DIGITS: Final = 7
RECEIPT_SECRET_DIGITS: Final = 16
RECEIPT_DIGITS: Final = RECEIPT_LOOKUP_DIGITS + RECEIPT_SECRET_DIGITS + 1
RECEIPT_MAX_INPUT: Final = 64

# Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004): with it a single
# check digit catches every single-digit error and every adjacent transposition.
_DAMM: Final = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_ASCII_DIGITS: Final = frozenset("0123456789")
# Thai digits to ASCII; separators people type or phones substitute are dropped.
_RECEIPT_TRANSLATION: Final = {
    **{0x0E50 + i: ord("0") + i for i in range(10)},
    **{ord(c): None for c in " \t\r\n\u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014\u2212"},
}


def _damm(digits: str) -> int:
    interim = 0
    for d in digits:
        interim = _DAMM[interim][ord(d) - 48]
    return interim


def _random_digits(n: int) -> str:
    # randbelow rejects out-of-range draws, so each digit is exactly uniform.
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


@dataclass(frozen=True)
class Receipt:
    """A reporter's way back in: a lookup part (to find the case) and a secret part (to prove
    it, through Argon2id). Shown once as 24 digits in groups of four."""

    lookup: str
    # Kept out of repr so that a logged Receipt does not give the case away.
    secret: str = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        if not (
            len(self.lookup) == RECEIPT_LOOKUP_DIGITS
            and len(self.secret) == RECEIPT_SECRET_DIGITS
            and _ASCII_DIGITS.issuperset(self.lookup + self.secret)
        ):
            raise ValueError("a receipt is 7 lookup digits and 16 secret digits")

    @property
    def digits(self) -> str:
        body = self.lookup + self.secret
        return body + str(_damm(body))

    @property
    def display(self) -> str:
        d = self.digits
        return " ".join(d[i : i + 4] for i in range(0, len(d), 4))


def receipt_new() -> Receipt:
    return Receipt(
        lookup=_random_digits(RECEIPT_LOOKUP_DIGITS),
        secret=_random_digits(RECEIPT_SECRET_DIGITS),
    )


def receipt_parse(text: str) -> Receipt:
    """Read a receipt as typed: spaces and hyphens ignored, Thai digits accepted."""
    # The length cap comes first, so an attacker's megabytes cost nothing.
    if not isinstance(text, str) or len(text) > RECEIPT_MAX_INPUT:
        fail("not a receipt")
    digits = text.translate(_RECEIPT_TRANSLATION)
    if len(digits) != RECEIPT_DIGITS or not _ASCII_DIGITS.issuperset(digits):
        fail("not a receipt")
    if _damm(digits) != 0:
        fail("not a receipt")
    return Receipt(
        lookup=digits[:RECEIPT_LOOKUP_DIGITS],
        secret=digits[RECEIPT_LOOKUP_DIGITS : RECEIPT_LOOKUP_DIGITS + RECEIPT_SECRET_DIGITS],
    )
