"""Server secrets with key ids: audit signing, HMAC, TOTP-secret and subject keys.

They come from the JSON in HOTLINE_KEYS, or the file named by HOTLINE_KEYS_FILE. In
development a file is generated under var/ on first use (and a purpose added since is filled
in); production refuses to start without one, or with a purpose missing (core.startup,
docs/architecture.md §3). Each purpose holds a list of keys, newest first.

Rotation is staged so that hosts restarted one by one never disagree on what they can read
(README, "Keys on several hosts"): an entry marked `"staged": true` is read with (receipts
looked up, TOTP secrets opened, checkpoints verified) but never written with; the writer is
the first entry not staged. `keys_rotate PURPOSE --stage` adds one, `--activate` makes it
the writer once every host runs with the staged file.

"subject" keys the pseudonyms of people found responsible (cases.workflow): it is never
rotated, because a new key would make one person count as two. A file older than it gets a
copy of its current hmac key (same id and bytes), so existing pseudonyms stay what they are.

Signing entries may be public-only (`"ed25519_public"`, hex): a retired key still vouches
for the checkpoints it signed without being able to sign anything new.
"""

import base64
import fcntl
import hashlib
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
from core.crypto import labels

PURPOSES = ("signing", "hmac", "totp", "subject")
NEVER_ROTATED = frozenset({"subject"})


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key that signs audit checkpoints (audit.lib.checkpoints)."""

    kid: str
    private: bytes = field(repr=False)  # raw 32 bytes
    staged: bool = False

    @property
    def public_hex(self) -> str:
        return crypto.signing_public_key(self.private).hex()


@dataclass(frozen=True)
class HmacKey:
    kid: str
    secret: bytes = field(repr=False)
    staged: bool = False


@dataclass(frozen=True)
class TotpKey:
    """An AES-256-GCM key that seals staff TOTP secrets at rest."""

    kid: str
    secret: bytes = field(repr=False)
    staged: bool = False


@dataclass(frozen=True)
class Keyring:
    signing: tuple[SigningKey, ...]
    hmac: tuple[HmacKey, ...]
    totp: tuple[TotpKey, ...]
    subject: HmacKey
    # Retired signing keys' public halves, by key id (hex): verify only.
    signing_public: tuple[tuple[str, str], ...] = ()

    @property
    def current_signing(self) -> SigningKey:
        return next(k for k in self.signing if not k.staged)

    @property
    def current_hmac(self) -> HmacKey:
        return next(k for k in self.hmac if not k.staged)

    @property
    def current_totp(self) -> TotpKey:
        return next(k for k in self.totp if not k.staged)

    def signing_key(self, kid: str) -> SigningKey | None:
        return next((k for k in self.signing if k.kid == kid), None)

    def signing_public_hex(self, kid: str) -> str | None:
        """The public key that verifies checkpoints signed under `kid`, retired ones included."""
        key = self.signing_key(kid)
        if key is not None:
            return key.public_hex
        return dict(self.signing_public).get(kid)

    def totp_key(self, kid: str) -> TotpKey | None:
        return next((k for k in self.totp if k.kid == kid), None)

    @property
    def fingerprint(self) -> str:
        """Equal on two hosts exactly when they hold the same keys in the same roles.

        Made of key ids, roles and, per key, its public half (signing) or a MAC of a label
        under it (the others): one-way, so printing and logging it reveals no secret.
        """
        parts: dict[str, list[tuple[str, bool, str]]] = {
            "signing": [(k.kid, k.staged, k.public_hex) for k in self.signing]
            + [(kid, False, public) for kid, public in self.signing_public],
            "hmac": [(k.kid, k.staged, _check("hmac", k.kid, k.secret)) for k in self.hmac],
            "totp": [(k.kid, k.staged, _check("totp", k.kid, k.secret)) for k in self.totp],
            "subject": [
                (self.subject.kid, False, _check("subject", self.subject.kid, self.subject.secret))
            ],
        }
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def key_check_value(purpose: str, kid: str, secret: bytes) -> str:
    """One-way proof of which secret a key id holds (core.crypto.labels.key_check_mac)."""
    return crypto.mac(secret, labels.key_check_mac(purpose, kid))


def _check(purpose: str, kid: str, secret: bytes) -> str:
    return key_check_value(purpose, kid, secret)[:16]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_signing_entry() -> dict[str, Any]:
    return {"kid": f"sig-{secrets.token_hex(4)}", "ed25519": _b64(crypto.signing_key_new())}


def new_hmac_entry() -> dict[str, Any]:
    return {"kid": f"mac-{secrets.token_hex(4)}", "key": _b64(secrets.token_bytes(32))}


def new_totp_entry() -> dict[str, Any]:
    return {"kid": f"totp-{secrets.token_hex(4)}", "key": _b64(secrets.token_bytes(32))}


def new_subject_entry() -> dict[str, Any]:
    return {"kid": f"subj-{secrets.token_hex(4)}", "key": _b64(secrets.token_bytes(32))}


NEW_ENTRY = {
    "signing": new_signing_entry,
    "hmac": new_hmac_entry,
    "totp": new_totp_entry,
    "subject": new_subject_entry,
}


def new_keyfile() -> dict[str, Any]:
    return {purpose: [new_entry()] for purpose, new_entry in NEW_ENTRY.items()}


def write_keyfile(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    tmp.replace(path)


def complete_keyfile(data: dict[str, Any]) -> list[str]:
    """Add the purposes a file made by an older release lacks; the purposes added.

    The subject key starts as a copy of the current hmac key, id and bytes: the pseudonyms
    written under that key before the subject purpose existed stay valid.
    """
    added = []
    if "subject" not in data and data.get("hmac"):
        writer = next((e for e in data["hmac"] if not e.get("staged")), data["hmac"][0])
        data["subject"] = [{"kid": writer["kid"], "key": writer["key"]}]
        added.append("subject")
    for purpose in PURPOSES:
        if purpose not in data:
            data[purpose] = [NEW_ENTRY[purpose]()]
            added.append(purpose)
    return added


def _parse_signing(entries: list[dict[str, Any]]) -> tuple[tuple[SigningKey, ...], list[Any]]:
    private = tuple(
        SigningKey(
            e["kid"],
            crypto.signing_key_check(base64.b64decode(e["ed25519"])),
            bool(e.get("staged")),
        )
        for e in entries
        if "ed25519" in e
    )
    public = [
        (e["kid"], bytes.fromhex(e["ed25519_public"]).hex()) for e in entries if "ed25519" not in e
    ]
    if any(len(bytes.fromhex(p)) != 32 for _, p in public):
        raise ValueError("an ed25519_public key must be 32 bytes of hex")
    return private, public


def _parse_secrets(entries: list[dict[str, Any]]) -> list[tuple[str, bytes, bool]]:
    return [(e["kid"], base64.b64decode(e["key"]), bool(e.get("staged"))) for e in entries]


def parse_keyring(data: dict[str, Any]) -> Keyring:
    try:
        signing, public = _parse_signing(data["signing"])
        hmac = tuple(HmacKey(*e) for e in _parse_secrets(data["hmac"]))
        totp = tuple(TotpKey(*e) for e in _parse_secrets(data.get("totp", ())))
        subject = tuple(HmacKey(*e) for e in _parse_secrets(data.get("subject", ())))
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"the hotline key file is malformed: {exc!r}") from exc
    if not any(not k.staged for k in signing) or not any(not k.staged for k in hmac):
        raise ImproperlyConfigured("the hotline key file needs a signing and an hmac key")
    if not totp:
        # Files made before TOTP secrets were sealed lack the purpose; development fills it
        # in (load_keyfile_data), production needs the operator to add it.
        raise ImproperlyConfigured(
            "the hotline key file has no totp key: add one with `python manage.py keys_rotate totp`"
        )
    if not any(not k.staged for k in totp):
        raise ImproperlyConfigured("the hotline key file has only a staged totp key")
    if not subject:
        raise ImproperlyConfigured(
            "the hotline key file has no subject key: add it with "
            "`python manage.py keys_complete` (a copy of the current hmac key)"
        )
    _refuse_bad_keys(signing, public, hmac, totp, subject)
    return Keyring(
        signing=signing, hmac=hmac, totp=totp, subject=subject[0], signing_public=tuple(public)
    )


def _refuse_bad_keys(
    signing: tuple[SigningKey, ...],
    public: list[tuple[str, str]],
    hmac: tuple[HmacKey, ...],
    totp: tuple[TotpKey, ...],
    subject: tuple[HmacKey, ...],
) -> None:
    if any(len(k.secret) < 32 for k in (*hmac, *subject)):
        raise ImproperlyConfigured("hmac and subject keys must be at least 32 bytes")
    if any(len(k.secret) != 32 for k in totp):
        raise ImproperlyConfigured("totp keys must be 32 bytes (AES-256)")
    if len(subject) != 1 or subject[0].staged:
        raise ImproperlyConfigured("the subject key is never rotated: the file holds exactly one")
    kids = [[k.kid for k in signing] + [kid for kid, _ in public], [k.kid for k in hmac]]
    kids.append([k.kid for k in totp])
    if any(len(set(group)) != len(group) for group in kids):
        raise ImproperlyConfigured("a key id appears twice in one purpose of the key file")
    staged = [sum(k.staged for k in keys) for keys in (signing, hmac, totp)]
    if max(staged) > 1:
        raise ImproperlyConfigured("at most one staged key per purpose")


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
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        # The exception's own text names the file and the reason, never the content.
        raise ImproperlyConfigured(f"cannot read the key file at {path}: {exc}") from exc


def _generate_missing(path: Path) -> None:
    """Development only: create the file, or add the purposes it lacks, keeping its keys.

    Under a lock, because several processes (runserver, Celery, tests) may start at once and
    two different new keys would lose whatever was sealed under the one written first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = dict(json.loads(path.read_text())) if path.exists() else {}
        if complete_keyfile(data):
            write_keyfile(path, data)


def keyfile_problem() -> str | None:
    """What is wrong with the key file this process would use, or None when it is complete:
    read afresh (not the cached keyring), so a check sees the file as it is now."""
    try:
        data = load_keyfile_data()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return str(exc)
    try:
        parse_keyring(data)
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


@cache
def keyring() -> Keyring:
    return parse_keyring(load_keyfile_data())
