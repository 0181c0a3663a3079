"""The stored formats: encrypted fields, streamed files, sealed secrets and wrapped keys
(docs/architecture.md §3), built on core.crypto.primitives.

Each blob starts with one byte naming its format; integers are big-endian.

    field   01 | key version u32 | nonce 12 | AES-256-GCM ciphertext and tag
    file    02 | key version u32 | chunk size u32 | salt 32 | chunks of chunk size + 16 bytes
            (ciphertext and tag), the last one shorter or equal; an empty file has one, of 16
    sealed  03 | nonce 12 | AES-256-GCM ciphertext and tag
    wrapped 04 | HPKE base mode, X25519 / HKDF-SHA256 / AES-256-GCM: enc 32 | ciphertext and tag

Associated data (and the HPKE info) is a list of parts (primitives.parts). It starts with a
context string per format:
    field   "hotline/field/v1", header (format, key version), case id, field name
    file    "hotline/file/v1", header (all 41 bytes), case id, field name; then per chunk the
            counter u32 and the final flag (one byte, 0 or 1)
    sealed  "hotline/seal/v1", header (format), the caller's aad
    wrapped "hotline/wrap/v1", the caller's info
Field names, aads and infos come from core.crypto.labels.

Files: each file gets its own key, HKDF-SHA256(case key, salt = the header's random 256-bit
salt, info "hotline/file-key/v1"), and chunk i is sealed under it with nonce = i as 12 bytes.
With a key per file, counter nonces can never repeat, however many files and fields share a
case key, and no per-chunk randomness or nonce bytes are needed. The final flag stops
truncation at a chunk boundary, the counter stops reordering and duplication, and data after
the final chunk fails because the reader then takes that chunk as non-final.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterator
from typing import Final, Protocol

from core.crypto.primitives import (
    KEY_SIZE,
    NONCE_SIZE,
    TAG_SIZE,
    Aead,
    BytesLike,
    as_bytes,
    fail,
    hkdf,
    hpke_open,
    hpke_seal,
    parts,
    random_bytes,
)

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


class _Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


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
        fail("decrypted data is not UTF-8 text")
    return text


# ---- fields -------------------------------------------------------------------------------


def field_encrypt(
    key: BytesLike, plaintext: BytesLike, *, case_id: str, field: str, key_version: int = 1
) -> bytes:
    """AES-256-GCM with a random nonce, bound to this case, field and key version."""
    _check_key_version(key_version)
    aead = Aead(key)
    header = _FIELD_HEADER.pack(FORMAT_FIELD, key_version)
    nonce = random_bytes(NONCE_SIZE)
    aad = parts(_FIELD_CONTEXT, header, case_id.encode(), field.encode())
    return header + nonce + aead.encrypt(nonce, plaintext, aad)


def field_decrypt(key: BytesLike, blob: BytesLike, *, case_id: str, field: str) -> bytes:
    aead = Aead(key)
    blob = as_bytes(blob)
    size = _FIELD_HEADER.size
    if len(blob) < size + NONCE_SIZE + TAG_SIZE or blob[0] != FORMAT_FIELD:
        fail("not an encrypted field")
    header, nonce, ciphertext = (
        blob[:size],
        blob[size : size + NONCE_SIZE],
        blob[size + NONCE_SIZE :],
    )
    aad = parts(_FIELD_CONTEXT, header, case_id.encode(), field.encode())
    return aead.decrypt(nonce, ciphertext, aad, failure="encrypted field does not decrypt")


def text_encrypt(
    key: BytesLike, text: str, *, case_id: str, field: str, key_version: int = 1
) -> bytes:
    return field_encrypt(key, text.encode(), case_id=case_id, field=field, key_version=key_version)


def text_decrypt(key: BytesLike, blob: BytesLike, *, case_id: str, field: str) -> str:
    return _decode_utf8(field_decrypt(key, blob, case_id=case_id, field=field))


def key_version_of(data: BytesLike) -> int:
    """The case key version of a field blob or of a file's first 5 bytes, to pick the key."""
    if len(data) < _FIELD_HEADER.size or data[0] not in (FORMAT_FIELD, FORMAT_FILE):
        fail("not an encrypted field or file")
    return int.from_bytes(bytes(data[1:5]), "big")


# ---- files --------------------------------------------------------------------------------


def _read_exact(src: _Reader, size: int) -> bytes:
    """Up to `size` bytes, fewer only at end of input (raw streams may return short reads)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    chunks = [data]
    have = len(data)
    while have < size:
        more = src.read(size - have)
        if not more:
            break
        chunks.append(more)
        have += len(more)
    return b"".join(chunks)


def _file_cipher(
    key: BytesLike, header: bytes, salt: bytes, case_id: str, field: str
) -> tuple[Aead, bytes]:
    file_key = hkdf(key, salt=salt, info=_FILE_KEY_CONTEXT)
    return Aead(file_key), parts(_FILE_CONTEXT, header, case_id.encode(), field.encode())


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
    salt = random_bytes(32)
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
        fail("not an encrypted file")
    _, _, chunk_size, salt = _FILE_HEADER.unpack(header)
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        fail("not an encrypted file")
    aead, aad_prefix = _file_cipher(key, header, salt, case_id, field)
    sealed_size = chunk_size + TAG_SIZE
    counter = 0
    sealed = _read_exact(src, sealed_size)
    while True:
        following = _read_exact(src, sealed_size) if len(sealed) == sealed_size else b""
        final = not following
        if len(sealed) < TAG_SIZE or counter > MAX_CHUNKS:
            fail("encrypted file is truncated or damaged")
        aad = aad_prefix + _CHUNK_TRAILER.pack(counter, final)
        yield aead.decrypt(
            _nonce(counter), sealed, aad, failure="encrypted file is truncated or damaged"
        )
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
    aead = Aead(key)
    nonce = random_bytes(NONCE_SIZE)
    header = bytes([FORMAT_SEALED])
    return header + nonce + aead.encrypt(nonce, plaintext, parts(_SEAL_CONTEXT, header, aad))


def unseal(key: BytesLike, blob: BytesLike, *, aad: BytesLike) -> bytes:
    aead = Aead(key)
    blob = as_bytes(blob)
    if len(blob) < 1 + NONCE_SIZE + TAG_SIZE or blob[0] != FORMAT_SEALED:
        fail("not a sealed secret")
    header, nonce, ciphertext = blob[:1], blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :]
    return aead.decrypt(
        nonce, ciphertext, parts(_SEAL_CONTEXT, header, aad), failure="sealed secret does not open"
    )


# ---- wrapped keys -------------------------------------------------------------------------------


def key_wrap(public: BytesLike, case_key: BytesLike, *, info: BytesLike) -> bytes:
    """HPKE-encrypt a key to an X25519 public key; `info` names what it is for
    (core.crypto.labels.case_wrap)."""
    return bytes([FORMAT_WRAPPED]) + hpke_seal(public, case_key, info=parts(_WRAP_CONTEXT, info))


def key_unwrap(private: BytesLike, wrapped: BytesLike, *, info: BytesLike) -> bytes:
    private = as_bytes(private)
    if len(private) != KEY_SIZE:
        fail("a private key must be 32 bytes")
    wrapped = as_bytes(wrapped)
    if len(wrapped) < 1 + KEY_SIZE + TAG_SIZE or wrapped[0] != FORMAT_WRAPPED:
        fail("not a wrapped key")
    return hpke_open(private, wrapped[1:], info=parts(_WRAP_CONTEXT, info))
