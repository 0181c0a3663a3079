"""The reporter's receipt: how it is stored (never itself) and how it opens a case.

Stored: an HMAC of the lookup part under the server's HMAC key (prefixed with that key's id,
so keys can rotate), and the case key sealed under Argon2id(secret part, per-case salt). A
stolen database gives neither the receipts nor, without the HMAC key, a way to test guesses
offline; with it, each guess of a 16-digit secret still costs an Argon2id derivation.
"""

import dataclasses

from cases import crypto
from cases.models import Case
from hotline.keyring import keyring


def _aad(case: Case) -> bytes:
    return f"receipt:{case.uid}".encode()


def receipt_lookup_hash(receipt: crypto.Receipt, kid: str | None = None) -> str:
    ring = keyring()
    key = next(k for k in ring.hmac if k.kid == kid) if kid else ring.current_hmac
    return f"{key.kid}:{crypto.mac(key.secret, ('receipt-lookup:' + receipt.lookup).encode())}"


def receipt_seal(case: Case, receipt: crypto.Receipt, case_key: bytes) -> None:
    params = crypto.argon2_params()
    case.receipt_salt = crypto.salt_new()
    case.receipt_kdf = dataclasses.asdict(params)
    wrapping = crypto.argon2id(receipt.secret.encode(), case.receipt_salt, params)
    case.receipt_wrap = crypto.seal(wrapping, case_key, aad=_aad(case))


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
    try:
        params = crypto.Argon2Params(**case.receipt_kdf)
        wrapping = crypto.argon2id(receipt.secret.encode(), bytes(case.receipt_salt), params)
        return case, crypto.unseal(wrapping, bytes(case.receipt_wrap), aad=_aad(case))
    except crypto.CryptoError:
        return None
