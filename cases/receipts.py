"""The reporter's receipt: how it is stored (never itself) and how it opens a case.

Stored: an HMAC of the lookup part under the server's HMAC key (prefixed with that key's id,
so keys can rotate), and the case key sealed under Argon2id(secret part, per-case salt). A
stolen database gives neither the receipts nor, without the HMAC key, a way to test guesses
offline; with it, each guess of a 16-digit secret still costs an Argon2id derivation.
"""

import dataclasses
import uuid
from dataclasses import dataclass

from cases.models import Case
from core import crypto
from core.crypto import labels
from core.keyring import keyring

RECEIPT_ATTEMPTS = 5


def receipt_lookup_hash(receipt: crypto.Receipt, kid: str | None = None) -> str:
    ring = keyring()
    key = next(k for k in ring.hmac if k.kid == kid) if kid else ring.current_hmac
    return f"{key.kid}:{crypto.mac(key.secret, labels.receipt_lookup_mac(receipt.lookup))}"


@dataclass(frozen=True)
class SealedReceipt:
    """A new case's identity, key and receipt, made before its row: the Argon2id derivation
    takes a quarter of a second and must not run inside a transaction (on SQLite it would hold
    the write lock; on PostgreSQL it would stretch the audit chain's lock)."""

    case_uid: uuid.UUID
    case_key: bytes
    receipt: crypto.Receipt
    lookup: str
    salt: bytes
    wrap: bytes
    kdf: dict[str, int]


def receipt_seal() -> SealedReceipt:
    case_uid, case_key = uuid.uuid4(), crypto.case_key_new()
    for _ in range(RECEIPT_ATTEMPTS):
        receipt = crypto.receipt_new()
        lookup = receipt_lookup_hash(receipt)
        if not Case.objects.filter(receipt_lookup=lookup).exists():
            break
    else:  # 10^7 lookup parts: practically never
        raise RuntimeError("could not draw an unused receipt")
    params = crypto.argon2_params()
    salt = crypto.salt_new()
    wrapping = crypto.argon2id(receipt.secret.encode(), salt, params)
    return SealedReceipt(
        case_uid=case_uid,
        case_key=case_key,
        receipt=receipt,
        lookup=lookup,
        salt=salt,
        wrap=crypto.seal(wrapping, case_key, aad=labels.receipt_seal(case_uid)),
        kdf=dataclasses.asdict(params),
    )


def receipt_open(text: str) -> tuple[Case, bytes] | None:
    """The case and its key for a typed receipt, or None. Callers show one generic answer."""
    try:
        receipt = crypto.receipt_parse(text)
    except crypto.CryptoError:
        return None
    lookups = [receipt_lookup_hash(receipt, k.kid) for k in keyring().hmac]
    case = Case.objects.filter(receipt_lookup__in=lookups).first()
    if case is None:
        # Spend the same time as for a known lookup part, so timing does not tell which exist.
        crypto.argon2id(receipt.secret.encode(), crypto.salt_new())
        return None
    key = receipt_case_key(case, receipt)
    return (case, key) if key is not None else None


def receipt_case_key(case: Case, receipt: crypto.Receipt) -> bytes | None:
    """The case key sealed under the receipt's secret part, or None when it does not open.

    Needs no server key: the upgrade test (tests/upgrade) opens a released fixture's cases
    with it, found by id, since their lookup hashes need the old HMAC key.
    """
    try:
        params = crypto.Argon2Params(**case.receipt_kdf)
        wrapping = crypto.argon2id(receipt.secret.encode(), bytes(case.receipt_salt), params)
        return crypto.unseal(wrapping, bytes(case.receipt_wrap), aad=labels.receipt_seal(case.uid))
    except crypto.CryptoError:
        return None
