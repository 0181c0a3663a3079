"""The primitives, each behind a function that takes and gives bytes (docs/architecture.md §3).

This is the one module of the project that imports `cryptography` (pyproject.toml's
import-linter contract; audit.lib.checkpoints verifies signatures on its own, for auditors).
Everything that fails to decrypt, unwrap or verify raises CryptoError, whose messages never
carry key material or plaintext.

    AEAD     AES-256-GCM (Aead)
    KDF      HKDF-SHA256 (hkdf), Argon2id (argon2id) with a per-process concurrency gate
    HPKE     base mode, X25519 / HKDF-SHA256 / AES-256-GCM (hpke_seal, hpke_open)
    MAC      HMAC-SHA256 (mac), constant-time comparison
    signing  Ed25519 for the server's audit-checkpoint key (signing_key_new, ...)
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Final, NoReturn, TypeAlias

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes, hmac, hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_SIZE: Final = 32
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
SALT_SIZE: Final = 16

# Django's BinaryField gives memoryview on PostgreSQL and bytes on SQLite: accept both.
BytesLike: TypeAlias = bytes | bytearray | memoryview

_HPKE_SUITE: Final = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class CryptoError(Exception):
    """A blob, key or receipt that does not decrypt, unwrap or parse. Says nothing secret."""


def fail(message: str) -> NoReturn:
    raise CryptoError(message)


def as_bytes(value: BytesLike) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"expected bytes, not {type(value).__name__}")


def parts(*items: BytesLike) -> bytes:
    """Associated data as a list of parts, each a u32 length and the bytes, so no part can
    bleed into the next."""
    return b"".join(len(p).to_bytes(4, "big") + as_bytes(p) for p in items)


def key_check(key: BytesLike, what: str = "a key") -> bytes:
    key = as_bytes(key)
    if len(key) != KEY_SIZE:
        fail(f"{what} must be 32 bytes")
    return key


def random_bytes(n: int) -> bytes:
    return secrets.token_bytes(n)


def case_key_new() -> bytes:
    """A fresh random 256-bit case data key."""
    return secrets.token_bytes(KEY_SIZE)


def salt_new() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


# ---- AEAD and HKDF ----------------------------------------------------------------------------


class Aead:
    """AES-256-GCM under one key, made once and used for every chunk of a file."""

    __slots__ = ("_aead",)

    def __init__(self, key: BytesLike) -> None:
        self._aead = AESGCM(key_check(key))

    def encrypt(self, nonce: bytes, plaintext: BytesLike, aad: bytes) -> bytes:
        return self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, nonce: bytes, ciphertext: bytes, aad: bytes, *, failure: str) -> bytes:
        """The plaintext, or CryptoError(failure) when the tag does not match."""
        try:
            return self._aead.decrypt(nonce, ciphertext, aad)
        except InvalidTag:
            raise CryptoError(failure) from None


def hkdf(key: BytesLike, *, salt: bytes, info: bytes) -> bytes:
    """A 32-byte key from HKDF-SHA256."""
    return HKDF(hashes.SHA256(), KEY_SIZE, salt=salt, info=info).derive(key_check(key))


# ---- HPKE and X25519 ----------------------------------------------------------------------------


def keypair_new() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as raw bytes: (private 32, public 32)."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def public_key_derive(private: BytesLike) -> bytes:
    """The public half of a raw X25519 private key (or of any 32-byte seed, e.g. an Argon2id
    output, which X25519 clamps into a valid private key)."""
    key = X25519PrivateKey.from_private_bytes(key_check(private, "a private key"))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def hpke_seal(public: BytesLike, plaintext: BytesLike, *, info: bytes) -> bytes:
    """HPKE base mode to an X25519 public key: enc 32 | ciphertext and tag."""
    public = key_check(public, "a public key")
    try:
        recipient = X25519PublicKey.from_public_bytes(public)
        # A low-order public key gives an all-zero shared secret, which OpenSSL refuses.
        return _HPKE_SUITE.encrypt(as_bytes(plaintext), recipient, info=info)
    except ValueError:
        raise CryptoError("cannot wrap to this public key") from None


def hpke_open(private: BytesLike, sealed: bytes, *, info: bytes) -> bytes:
    recipient = X25519PrivateKey.from_private_bytes(key_check(private, "a private key"))
    try:
        return _HPKE_SUITE.decrypt(sealed, recipient, info=info)
    except (InvalidTag, ValueError):
        raise CryptoError("wrapped key does not unwrap") from None


# ---- Argon2id -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int
    iterations: int
    lanes: int

    def __post_init__(self) -> None:
        if not 1 <= self.lanes <= 0xFF_FFFF:
            raise ValueError("lanes must be between 1 and 2**24 - 1")
        if self.iterations < 1:
            raise ValueError("iterations must be at least 1")
        if self.memory_kib < 8 * self.lanes:
            raise ValueError("memory_kib must be at least 8 * lanes")


# 64 MiB and 3 passes as in RFC 9106's second recommended option, but one lane: the target
# machines have 2 cores and let two derivations run at once. About 250 ms each there.
ARGON2_DEFAULT: Final = Argon2Params(memory_kib=65536, iterations=3, lanes=1)
ARGON2_MAX_CONCURRENT_DEFAULT: Final = 2

_gates: dict[int, threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def argon2_params() -> Argon2Params:
    """Parameters from settings.HOTLINE_ARGON2 (a dict), else the production default."""
    configured = getattr(settings, "HOTLINE_ARGON2", None) if settings.configured else None
    if configured is None:
        return ARGON2_DEFAULT
    if not isinstance(configured, dict) or set(configured) - {"memory_kib", "iterations", "lanes"}:
        raise ImproperlyConfigured("HOTLINE_ARGON2 takes memory_kib, iterations and lanes")
    merged = {
        "memory_kib": ARGON2_DEFAULT.memory_kib,
        "iterations": ARGON2_DEFAULT.iterations,
        "lanes": ARGON2_DEFAULT.lanes,
        **configured,
    }
    try:
        return Argon2Params(**{k: int(v) for k, v in merged.items()})
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"HOTLINE_ARGON2: {exc}") from None


def _argon2_gate() -> threading.BoundedSemaphore:
    limit = ARGON2_MAX_CONCURRENT_DEFAULT
    if settings.configured:
        limit = int(getattr(settings, "HOTLINE_ARGON2_MAX_CONCURRENT", limit))
    if limit < 1:
        raise ImproperlyConfigured("HOTLINE_ARGON2_MAX_CONCURRENT must be at least 1")
    with _gates_lock:
        gate = _gates.get(limit)
        if gate is None:
            gate = _gates[limit] = threading.BoundedSemaphore(limit)
        return gate


def argon2id(secret: BytesLike, salt: BytesLike, params: Argon2Params | None = None) -> bytes:
    """A 32-byte key from a password or receipt secret. Blocks while too many run at once,
    so that a burst of sign-ins or receipt checks cannot take all the memory (per process)."""
    secret, salt = as_bytes(secret), as_bytes(salt)
    if len(salt) < SALT_SIZE:
        raise ValueError(f"a salt must be at least {SALT_SIZE} bytes")
    if params is None:
        params = argon2_params()
    kdf = Argon2id(
        salt=salt,
        length=KEY_SIZE,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    with _argon2_gate():
        return kdf.derive(secret)


# ---- keyed hashing --------------------------------------------------------------------------


def mac(key: BytesLike, data: BytesLike) -> str:
    """HMAC-SHA256 as hex, e.g. a pseudonym of a subject for counting distinct violators."""
    key = as_bytes(key)
    if len(key) < 16:
        raise ValueError("an HMAC key must be at least 16 bytes")
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(as_bytes(data))
    return h.finalize().hex()


def constant_time_equal(a: BytesLike, b: BytesLike) -> bool:
    return constant_time.bytes_eq(as_bytes(a), as_bytes(b))


# ---- Ed25519 signing (the server keyring's audit-checkpoint key) -----------------------------


def signing_key_new() -> bytes:
    """A fresh raw 32-byte Ed25519 private key."""
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def signing_key_check(private: BytesLike) -> bytes:
    """The raw Ed25519 private key, or ValueError when the bytes do not form one."""
    private = as_bytes(private)
    Ed25519PrivateKey.from_private_bytes(private)
    return private


def signing_public_key(private: BytesLike) -> bytes:
    """The raw 32-byte public half of a raw Ed25519 private key."""
    key = Ed25519PrivateKey.from_private_bytes(as_bytes(private))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
