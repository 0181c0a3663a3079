"""Every cryptographic operation of the hotline, built only from `cryptography`
(docs/architecture.md §3).

Nothing else in the project touches a primitive: callers get bytes in and bytes out, and one
exception, CryptoError, for anything that fails to decrypt, unwrap or parse (a wrong or
wrong-length key, a tampered or misplaced blob, a bad receipt). Its messages never carry key
material or plaintext. ValueError and TypeError are for a caller's own mistakes (a chunk size or
key version out of range, a short salt, a str where bytes belong).

    primitives  AES-256-GCM, HKDF, HPKE/X25519, Argon2id, HMAC, Ed25519: the only module that
                imports `cryptography`
    formats     the stored blobs: encrypted fields and files, sealed secrets, wrapped keys
    receipts    the reporter's 24-digit receipt and its check digit
    labels      what each blob is bound to (field names, wrap infos, seal aads, MAC inputs)

Callers write `from core import crypto` and `crypto.text_encrypt(...)`; the names below are
the package's public surface.
"""

from core.crypto import labels
from core.crypto.formats import (
    DEFAULT_CHUNK_SIZE,
    FORMAT_FIELD,
    FORMAT_FILE,
    FORMAT_SEALED,
    FORMAT_WRAPPED,
    MAX_CHUNK_SIZE,
    field_decrypt,
    field_encrypt,
    key_unwrap,
    key_version_of,
    key_wrap,
    seal,
    stream_decrypt,
    stream_decrypt_chunks,
    stream_encrypt,
    text_decrypt,
    text_encrypt,
    unseal,
)
from core.crypto.primitives import (
    ARGON2_DEFAULT,
    KEY_SIZE,
    Argon2Params,
    BytesLike,
    CryptoError,
    argon2_params,
    argon2id,
    case_key_new,
    constant_time_equal,
    keypair_new,
    mac,
    public_key_derive,
    salt_new,
    signing_key_check,
    signing_key_new,
    signing_public_key,
)
from core.crypto.receipts import RECEIPT_MAX_INPUT, Receipt, receipt_new, receipt_parse

__all__ = [
    "ARGON2_DEFAULT",
    "DEFAULT_CHUNK_SIZE",
    "FORMAT_FIELD",
    "FORMAT_FILE",
    "FORMAT_SEALED",
    "FORMAT_WRAPPED",
    "KEY_SIZE",
    "MAX_CHUNK_SIZE",
    "RECEIPT_MAX_INPUT",
    "Argon2Params",
    "BytesLike",
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
    "labels",
    "mac",
    "public_key_derive",
    "receipt_new",
    "receipt_parse",
    "salt_new",
    "seal",
    "signing_key_check",
    "signing_key_new",
    "signing_public_key",
    "stream_decrypt",
    "stream_decrypt_chunks",
    "stream_encrypt",
    "text_decrypt",
    "text_encrypt",
    "unseal",
]
