"""Server secrets with key ids: the audit signing key, HMAC keys and the TOTP-secret key.

They come from the JSON in HOTLINE_KEYS, or the file named by HOTLINE_KEYS_FILE. In
development a file is generated under var/ on first use (and a purpose added since is filled
in); production refuses to start without one, or with a purpose missing. Each purpose holds a
list of keys, newest first: new signatures, MACs and sealed secrets use the first, verifying
and opening accept any, so a key is rotated by putting a new one at the front
(`python manage.py keys_rotate`) and retired by removing it once nothing depends on it.
"""

import base64
import fcntl
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core import crypto


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key that signs audit checkpoints (audit.lib.checkpoints)."""

    kid: str
    private: bytes = field(repr=False)  # raw 32 bytes

    @property
    def public_hex(self) -> str:
        return crypto.signing_public_key(self.private).hex()


@dataclass(frozen=True)
class HmacKey:
    kid: str
    secret: bytes


@dataclass(frozen=True)
class TotpKey:
    """An AES-256-GCM key that seals staff TOTP secrets at rest."""

    kid: str
    secret: bytes


@dataclass(frozen=True)
class Keyring:
    signing: tuple[SigningKey, ...]
    hmac: tuple[HmacKey, ...]
    totp: tuple[TotpKey, ...]

    @property
    def current_signing(self) -> SigningKey:
        return self.signing[0]

    @property
    def current_hmac(self) -> HmacKey:
        return self.hmac[0]

    @property
    def current_totp(self) -> TotpKey:
        return self.totp[0]

    def signing_key(self, kid: str) -> SigningKey | None:
        return next((k for k in self.signing if k.kid == kid), None)

    def totp_key(self, kid: str) -> TotpKey | None:
        return next((k for k in self.totp if k.kid == kid), None)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_signing_entry() -> dict[str, str]:
    return {"kid": f"sig-{secrets.token_hex(4)}", "ed25519": _b64(crypto.signing_key_new())}


def new_hmac_entry() -> dict[str, str]:
    return {"kid": f"mac-{secrets.token_hex(4)}", "key": _b64(secrets.token_bytes(32))}


def new_totp_entry() -> dict[str, str]:
    return {"kid": f"totp-{secrets.token_hex(4)}", "key": _b64(secrets.token_bytes(32))}


NEW_ENTRY = {"signing": new_signing_entry, "hmac": new_hmac_entry, "totp": new_totp_entry}
# Every purpose a key file must hold at least one key for; `manage.py migrate` refuses to run
# without them all (config/management/commands/migrate.py).
REQUIRED_PURPOSES: tuple[str, ...] = tuple(NEW_ENTRY)


def new_keyfile() -> dict[str, Any]:
    return {purpose: [new_entry()] for purpose, new_entry in NEW_ENTRY.items()}


def write_keyfile(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    tmp.replace(path)


def parse_keyring(data: dict[str, Any]) -> Keyring:
    try:
        signing = tuple(
            SigningKey(e["kid"], crypto.signing_key_check(base64.b64decode(e["ed25519"])))
            for e in data["signing"]
        )
        hmac = tuple(HmacKey(e["kid"], base64.b64decode(e["key"])) for e in data["hmac"])
        totp = tuple(TotpKey(e["kid"], base64.b64decode(e["key"])) for e in data.get("totp", ()))
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"the hotline key file is malformed: {exc!r}") from exc
    if not signing or not hmac:
        raise ImproperlyConfigured("the hotline key file needs a signing and an hmac key")
    if not totp:
        # Files made before TOTP secrets were sealed lack the purpose; development fills it
        # in (load_keyfile_data), production needs the operator to add it.
        raise ImproperlyConfigured(
            "the hotline key file has no totp key: add one with `python manage.py keys_rotate totp`"
        )
    if any(len(k.secret) < 32 for k in hmac):
        raise ImproperlyConfigured("hmac keys must be at least 32 bytes")
    if any(len(k.secret) != 32 for k in totp):
        raise ImproperlyConfigured("totp keys must be 32 bytes (AES-256)")
    return Keyring(signing=signing, hmac=hmac, totp=totp)


def load_keyfile_data() -> dict[str, Any]:
    inline = os.environ.get("HOTLINE_KEYS")
    if inline:
        return dict(json.loads(inline))
    path = Path(settings.HOTLINE_KEYS_FILE)
    if settings.HOTLINE_KEYS_GENERATE:
        _generate_missing(path)
    elif not path.exists():
        raise ImproperlyConfigured(
            f"no key file at {path}: create one with `python manage.py keys_create`"
        )
    return dict(json.loads(path.read_text()))


def _generate_missing(path: Path) -> None:
    """Development only: create the file, or add the purposes it lacks, keeping its keys.

    Under a lock, because several processes (runserver, Celery, tests) may start at once and
    two different new keys would lose whatever was sealed under the one written first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = dict(json.loads(path.read_text())) if path.exists() else {}
        missing = [purpose for purpose in NEW_ENTRY if purpose not in data]
        for purpose in missing:
            data[purpose] = [NEW_ENTRY[purpose]()]
        if missing:
            write_keyfile(path, data)


def keyfile_problem() -> str | None:
    """What is wrong with the key file this process would use, or None when it is complete:
    read afresh (not the cached keyring), so a check sees the file as it is now."""
    try:
        data = load_keyfile_data()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return str(exc)
    missing = [purpose for purpose in REQUIRED_PURPOSES if not data.get(purpose)]
    if missing:
        return (
            f"the hotline key file has no {', '.join(missing)} key: add it with "
            f"`python manage.py keys_rotate {missing[0]}` (on every host) before migrating"
        )
    try:
        parse_keyring(data)
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


@cache
def keyring() -> Keyring:
    return parse_keyring(load_keyfile_data())
