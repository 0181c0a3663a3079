"""TOTP secrets sealed at rest under the keyring's "totp" key (docs/architecture.md §3).

A database dump alone must not let anyone compute a staff member's codes, so the secret is kept
only as AES-256-GCM (core.crypto.seal) under a server key that lives outside the database,
with that key's id next to it for rotation. The associated data binds the key id and the
device's owner: a sealed secret copied onto another person's device does not open.

The data migration that moved the plaintext devices imports this module too, so its
functions take plain values, not model instances.
"""

import secrets

from core import crypto
from core.crypto import labels
from core.keyring import keyring

SECRET_BYTES = 20  # what django-otp's TOTPDevice generates (random_hex(20))


class TotpSecretUnavailable(Exception):
    """The sealed secret does not open: its key is retired, or the value was tampered with."""


def totp_secret_new() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def totp_secret_seal(secret: bytes, *, user_id: int) -> tuple[str, bytes]:
    """The current key's id and the secret sealed under it."""
    key = keyring().current_totp
    return key.kid, crypto.seal(key.secret, secret, aad=labels.totp_secret_seal(key.kid, user_id))


def totp_secret_open(kid: str, sealed: bytes, *, user_id: int) -> bytes:
    key = keyring().totp_key(kid)
    if key is None:
        raise TotpSecretUnavailable(f"no totp key {kid!r} in the key file")
    try:
        return crypto.unseal(key.secret, sealed, aad=labels.totp_secret_seal(kid, user_id))
    except crypto.CryptoError as exc:
        raise TotpSecretUnavailable(f"the secret sealed under {kid!r} does not open") from exc


def totp_key_is_current(kid: str) -> bool:
    return kid == keyring().current_totp.kid
