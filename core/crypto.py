"""Every cryptographic operation of the hotline, built only from `cryptography`
(docs/architecture.md §3).

Nothing else in the project touches a primitive: callers get bytes in and bytes out, and one
exception, CryptoError, for anything that fails to decrypt, unwrap or parse (a wrong or
wrong-length key, a tampered or misplaced blob, a bad receipt). Its messages never carry key
material or plaintext. ValueError and TypeError are for a caller's own mistakes (a chunk size or
key version out of range, a short salt, a str where bytes belong).

Formats. Each blob starts with one byte naming its format; integers are big-endian.

    field   01 | key version u32 | nonce 12 | AES-256-GCM ciphertext and tag
    file    02 | key version u32 | chunk size u32 | salt 32 | chunks of chunk size + 16 bytes
            (ciphertext and tag), the last one shorter or equal; an empty file has one, of 16
    sealed  03 | nonce 12 | AES-256-GCM ciphertext and tag
    wrapped 04 | HPKE base mode, X25519 / HKDF-SHA256 / AES-256-GCM: enc 32 | ciphertext and tag

Associated data (and the HPKE info) is a list of parts, each a u32 length and the bytes, so no
part can bleed into the next. It starts with a context string per format:
    field   "hotline/field/v1", header (format, key version), case id, field name
    file    "hotline/file/v1", header (all 41 bytes), case id, field name; then per chunk the
            counter u32 and the final flag (one byte, 0 or 1)
    sealed  "hotline/seal/v1", header (format), the caller's aad
    wrapped "hotline/wrap/v1", the caller's info

Files: each file gets its own key, HKDF-SHA256(case key, salt = the header's random 256-bit
salt, info "hotline/file-key/v1"), and chunk i is sealed under it with nonce = i as 12 bytes.
With a key per file, counter nonces can never repeat, however many files and fields share a
case key, and no per-chunk randomness or nonce bytes are needed. The final flag stops
truncation at a chunk boundary, the counter stops reordering and duplication, and data after
the final chunk fails because the reader then takes that chunk as non-final.
"""

from __future__ import annotations

import dataclasses
import itertools
import secrets
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, NoReturn, Protocol, TypeAlias

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes, hmac, hpke
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

__all__ = [
    "Argon2Params",
    "CryptoError",
    "Receipt",
    "argon2_params",
    "argon2id",
    "case_key_new",
    "constant_time_equal",
    "field_decrypt",
    "field_encrypt",
    "key_unwrap",
    "key_version_of",
    "key_wrap",
    "keypair_new",
    "mac",
    "public_key_derive",
    "receipt_new",
    "receipt_parse",
    "salt_new",
    "seal",
    "stream_decrypt",
    "stream_decrypt_chunks",
    "stream_encrypt",
    "text_decrypt",
    "text_encrypt",
    "unseal",
]

KEY_SIZE: Final = 32
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
SALT_SIZE: Final = 16
DEFAULT_CHUNK_SIZE: Final = 64 * 1024
# A header is read before it is authenticated: the cap keeps a forged one from making the
# reader allocate gigabytes.
MAX_CHUNK_SIZE: Final = 8 * 1024 * 1024
MAX_KEY_VERSION: Final = 0xFFFF_FFFF
# The nonce counter is 12 bytes, but 2^32 chunks (256 TiB at 64 KiB) is more than enough.
MAX_CHUNKS: Final = 0xFFFF_FFFF

FORMAT_FIELD: Final = 0x01
FORMAT_FILE: Final = 0x02
FORMAT_SEALED: Final = 0x03
FORMAT_WRAPPED: Final = 0x04

_FIELD_CONTEXT: Final = b"hotline/field/v1"
_FILE_CONTEXT: Final = b"hotline/file/v1"
_FILE_KEY_CONTEXT: Final = b"hotline/file-key/v1"
_SEAL_CONTEXT: Final = b"hotline/seal/v1"
_WRAP_CONTEXT: Final = b"hotline/wrap/v1"

_FIELD_HEADER: Final = struct.Struct(">BI")  # format, key version
_FILE_HEADER: Final = struct.Struct(">BII32s")  # format, key version, chunk size, salt
_CHUNK_TRAILER: Final = struct.Struct(">IB")  # counter, final flag

# Django's BinaryField gives memoryview on PostgreSQL and bytes on SQLite: accept both.
BytesLike: TypeAlias = bytes | bytearray | memoryview

_HPKE_SUITE: Final = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class CryptoError(Exception):
    """A blob, key or receipt that does not decrypt, unwrap or parse. Says nothing secret."""


class _Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


def _fail(message: str) -> NoReturn:
    raise CryptoError(message)


def _bytes(value: BytesLike) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"expected bytes, not {type(value).__name__}")


def _parts(*parts: BytesLike) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + _bytes(p) for p in parts)


def _key(key: BytesLike, what: str = "a key") -> bytes:
    key = _bytes(key)
    if len(key) != KEY_SIZE:
        _fail(f"{what} must be 32 bytes")
    return key


def _aesgcm(key: BytesLike) -> AESGCM:
    return AESGCM(_key(key))


def _check_key_version(key_version: int) -> None:
    if not 1 <= key_version <= MAX_KEY_VERSION:
        raise ValueError("key_version must be between 1 and 2**32 - 1")


def _decode_utf8(data: bytes) -> str:
    # Decoding outside an except block keeps the bytes (plaintext) out of any exception context.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        _fail("decrypted data is not UTF-8 text")
    return text


def case_key_new() -> bytes:
    """A fresh random 256-bit case data key."""
    return secrets.token_bytes(KEY_SIZE)


def salt_new() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


# ---- fields -------------------------------------------------------------------------------


def field_encrypt(
    key: BytesLike, plaintext: BytesLike, *, case_id: str, field: str, key_version: int = 1
) -> bytes:
    """AES-256-GCM with a random nonce, bound to this case, field and key version."""
    _check_key_version(key_version)
    aead = _aesgcm(key)
    header = _FIELD_HEADER.pack(FORMAT_FIELD, key_version)
    nonce = secrets.token_bytes(NONCE_SIZE)
    aad = _parts(_FIELD_CONTEXT, header, case_id.encode(), field.encode())
    return header + nonce + aead.encrypt(nonce, plaintext, aad)


def field_decrypt(key: BytesLike, blob: BytesLike, *, case_id: str, field: str) -> bytes:
    aead = _aesgcm(key)
    blob = _bytes(blob)
    size = _FIELD_HEADER.size
    if len(blob) < size + NONCE_SIZE + TAG_SIZE or blob[0] != FORMAT_FIELD:
        _fail("not an encrypted field")
    header, nonce, ciphertext = (
        blob[:size],
        blob[size : size + NONCE_SIZE],
        blob[size + NONCE_SIZE :],
    )
    aad = _parts(_FIELD_CONTEXT, header, case_id.encode(), field.encode())
    try:
        return aead.decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise CryptoError("encrypted field does not decrypt") from None


def text_encrypt(
    key: BytesLike, text: str, *, case_id: str, field: str, key_version: int = 1
) -> bytes:
    return field_encrypt(key, text.encode(), case_id=case_id, field=field, key_version=key_version)


def text_decrypt(key: BytesLike, blob: BytesLike, *, case_id: str, field: str) -> str:
    return _decode_utf8(field_decrypt(key, blob, case_id=case_id, field=field))


def key_version_of(data: BytesLike) -> int:
    """The case key version of a field blob or of a file's first 5 bytes, to pick the key."""
    if len(data) < _FIELD_HEADER.size or data[0] not in (FORMAT_FIELD, FORMAT_FILE):
        _fail("not an encrypted field or file")
    return int.from_bytes(bytes(data[1:5]), "big")


# ---- files --------------------------------------------------------------------------------


def _read_exact(src: _Reader, size: int) -> bytes:
    """Up to `size` bytes, fewer only at end of input (raw streams may return short reads)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    have = len(data)
    while have < size:
        more = src.read(size - have)
        if not more:
            break
        parts.append(more)
        have += len(more)
    return b"".join(parts)


def _file_cipher(
    key: BytesLike, header: bytes, salt: bytes, case_id: str, field: str
) -> tuple[AESGCM, bytes]:
    file_key = HKDF(hashes.SHA256(), KEY_SIZE, salt=salt, info=_FILE_KEY_CONTEXT).derive(_key(key))
    return AESGCM(file_key), _parts(_FILE_CONTEXT, header, case_id.encode(), field.encode())


def _nonce(counter: int) -> bytes:
    return counter.to_bytes(NONCE_SIZE, "big")


def stream_encrypt(
    key: BytesLike,
    src: _Reader,
    dst: _Writer,
    *,
    case_id: str,
    field: str,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    key_version: int = 1,
) -> int:
    """Encrypt src to dst chunk by chunk; returns the number of plaintext bytes."""
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between 1 and {MAX_CHUNK_SIZE}")
    _check_key_version(key_version)
    salt = secrets.token_bytes(32)
    header = _FILE_HEADER.pack(FORMAT_FILE, key_version, chunk_size, salt)
    aead, aad_prefix = _file_cipher(key, header, salt, case_id, field)
    dst.write(header)
    total = 0
    counter = 0
    chunk = _read_exact(src, chunk_size)
    while True:
        # Reading one chunk ahead tells whether this one is the last.
        following = _read_exact(src, chunk_size) if len(chunk) == chunk_size else b""
        final = not following
        if counter > MAX_CHUNKS:
            raise ValueError("file too large for its chunk size")
        aad = aad_prefix + _CHUNK_TRAILER.pack(counter, final)
        dst.write(aead.encrypt(_nonce(counter), chunk, aad))
        total += len(chunk)
        if final:
            return total
        chunk = following
        counter += 1


def stream_decrypt_chunks(
    key: BytesLike, src: _Reader, *, case_id: str, field: str
) -> Iterator[bytes]:
    """The authenticated plaintext chunks of an encrypted file, for a streamed download.

    The header, key and first chunk are checked before this returns, so a wrong key, case or
    field fails before a response starts. Every chunk is authenticated before it is yielded,
    but truncation shows only at the end, as CryptoError from the last iteration: a consumer
    that must not act on a partial file should decrypt it completely before using it.
    """
    chunks = _decrypt_chunks(key, src, case_id=case_id, field=field)
    first = next(chunks)  # never StopIteration: a file has at least one chunk, or this raises
    return itertools.chain((first,), chunks)


def _decrypt_chunks(key: BytesLike, src: _Reader, *, case_id: str, field: str) -> Iterator[bytes]:
    header = _read_exact(src, _FILE_HEADER.size)
    if len(header) != _FILE_HEADER.size or header[0] != FORMAT_FILE:
        _fail("not an encrypted file")
    _, _, chunk_size, salt = _FILE_HEADER.unpack(header)
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        _fail("not an encrypted file")
    aead, aad_prefix = _file_cipher(key, header, salt, case_id, field)
    sealed_size = chunk_size + TAG_SIZE
    counter = 0
    sealed = _read_exact(src, sealed_size)
    while True:
        following = _read_exact(src, sealed_size) if len(sealed) == sealed_size else b""
        final = not following
        if len(sealed) < TAG_SIZE or counter > MAX_CHUNKS:
            _fail("encrypted file is truncated or damaged")
        aad = aad_prefix + _CHUNK_TRAILER.pack(counter, final)
        try:
            chunk = aead.decrypt(_nonce(counter), sealed, aad)
        except InvalidTag:
            raise CryptoError("encrypted file is truncated or damaged") from None
        yield chunk
        if final:
            return
        sealed = following
        counter += 1


def stream_decrypt(key: BytesLike, src: _Reader, dst: _Writer, *, case_id: str, field: str) -> int:
    """Decrypt src to dst; returns the number of plaintext bytes.

    On CryptoError dst holds a partial plaintext that the caller must discard.
    """
    total = 0
    for chunk in stream_decrypt_chunks(key, src, case_id=case_id, field=field):
        dst.write(chunk)
        total += len(chunk)
    return total


# ---- sealing small secrets ------------------------------------------------------------------


def seal(key: BytesLike, plaintext: BytesLike, *, aad: BytesLike) -> bytes:
    """AES-256-GCM under a symmetric key (password- or session-derived), bound to `aad`."""
    aead = _aesgcm(key)
    nonce = secrets.token_bytes(NONCE_SIZE)
    header = bytes([FORMAT_SEALED])
    return header + nonce + aead.encrypt(nonce, plaintext, _parts(_SEAL_CONTEXT, header, aad))


def unseal(key: BytesLike, blob: BytesLike, *, aad: BytesLike) -> bytes:
    aead = _aesgcm(key)
    blob = _bytes(blob)
    if len(blob) < 1 + NONCE_SIZE + TAG_SIZE or blob[0] != FORMAT_SEALED:
        _fail("not a sealed secret")
    header, nonce, ciphertext = blob[:1], blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :]
    try:
        return aead.decrypt(nonce, ciphertext, _parts(_SEAL_CONTEXT, header, aad))
    except InvalidTag:
        raise CryptoError("sealed secret does not open") from None


# ---- key wrapping (HPKE) ----------------------------------------------------------------------


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
    key = X25519PrivateKey.from_private_bytes(_key(private, "a private key"))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_wrap(public: BytesLike, case_key: BytesLike, *, info: BytesLike) -> bytes:
    """HPKE-encrypt a key to an X25519 public key; `info` names what it is for (b"case:123")."""
    public = _key(public, "a public key")
    try:
        recipient = X25519PublicKey.from_public_bytes(public)
        # A low-order public key gives an all-zero shared secret, which OpenSSL refuses.
        wrapped = _HPKE_SUITE.encrypt(_bytes(case_key), recipient, info=_parts(_WRAP_CONTEXT, info))
    except ValueError:
        raise CryptoError("cannot wrap to this public key") from None
    return bytes([FORMAT_WRAPPED]) + wrapped


def key_unwrap(private: BytesLike, wrapped: BytesLike, *, info: BytesLike) -> bytes:
    private = _key(private, "a private key")
    wrapped = _bytes(wrapped)
    if len(wrapped) < 1 + KEY_SIZE + TAG_SIZE or wrapped[0] != FORMAT_WRAPPED:
        _fail("not a wrapped key")
    recipient = X25519PrivateKey.from_private_bytes(private)
    try:
        return _HPKE_SUITE.decrypt(wrapped[1:], recipient, info=_parts(_WRAP_CONTEXT, info))
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
    secret, salt = _bytes(secret), _bytes(salt)
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
    key = _bytes(key)
    if len(key) < 16:
        raise ValueError("an HMAC key must be at least 16 bytes")
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(_bytes(data))
    return h.finalize().hex()


def constant_time_equal(a: BytesLike, b: BytesLike) -> bool:
    return constant_time.bytes_eq(_bytes(a), _bytes(b))


# ---- receipts -----------------------------------------------------------------------------------

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
        _fail("not a receipt")
    digits = text.translate(_RECEIPT_TRANSLATION)
    if len(digits) != RECEIPT_DIGITS or not _ASCII_DIGITS.issuperset(digits):
        _fail("not a receipt")
    if _damm(digits) != 0:
        _fail("not a receipt")
    return Receipt(
        lookup=digits[:RECEIPT_LOOKUP_DIGITS],
        secret=digits[RECEIPT_LOOKUP_DIGITS : RECEIPT_LOOKUP_DIGITS + RECEIPT_SECRET_DIGITS],
    )
