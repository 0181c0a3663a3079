"""Every label that binds a ciphertext, wrap, seal or MAC to what it is for (docs/architecture.md
§3), in one place so that no two callers spell one differently.

A label goes into the associated data (or the HPKE info, or the MAC input) of what it
protects: a blob moved to another field, case, person or purpose no longer opens. The values
are part of the stored data: changing one makes everything written under it unreadable, so
each is pinned by a known-answer test (tests/cases/test_crypto_labels.py).
"""

import json
import uuid
from typing import Final

# ---- field names: the `field=` of field_encrypt / stream_encrypt, with the case's uid -----

CASE_TITLE: Final = "case.title"
CASE_BODY: Final = "case.body"
IDENTITY: Final = "identity"
RATING_COMMENT: Final = "rating.comment"

Uid = uuid.UUID | str


def message_body(message_uid: Uid) -> str:
    return f"message:{message_uid}"


def attachment_file(attachment_uid: Uid) -> str:
    return f"attachment:{attachment_uid}"


def attachment_meta(attachment_uid: Uid) -> str:
    return f"{attachment_file(attachment_uid)}:meta"


def identity_request_reason(request_uid: Uid) -> str:
    return f"identity-request:{request_uid}"


# ---- HPKE info of wrapped keys ------------------------------------------------------------


def case_wrap(purpose: str, case_uid: Uid) -> bytes:
    """A case's data key ("case") or identity key ("identity"), wrapped to one recipient."""
    return f"{purpose}:{case_uid}".encode()


def reason_wrap(request_uid: Uid) -> bytes:
    """An identity request's reason key, wrapped to a custodian or the requester."""
    return f"identity-request:{request_uid}".encode()


# ---- associated data of sealed secrets ----------------------------------------------------


def staff_key_seal(user_id: int) -> bytes:
    """A staff member's private key, sealed under their password."""
    return f"staff-key:{user_id}".encode()


def receipt_seal(case_uid: Uid) -> bytes:
    """A case key, sealed under the reporter's receipt."""
    return f"receipt:{case_uid}".encode()


def recovery_kit_seal(kid: str) -> bytes:
    """A recovery private key, sealed under the ethics committee's passphrase."""
    return f"recovery-kit:{kid}".encode()


def totp_secret_seal(kid: str, user_id: int) -> bytes:
    """A staff TOTP secret, sealed under the keyring's totp key `kid`."""
    return json.dumps(["counselors/totp-secret/v1", kid, user_id]).encode()


def split_secret_seal(purpose: str, binding: str) -> bytes:
    """A secret held half in the session, half in a cookie (core.lib.split_session)."""
    return f"{purpose}:{binding}".encode()


# The purposes of split secrets, each the `aad_label` of one SplitSecret.
SPLIT_STAFF_KEY: Final = "session-key"
SPLIT_REPORTER_CASE: Final = "reporter-case"
SPLIT_RECEIPT_ONCE: Final = "receipt-once"
SPLIT_REPLY_DRAFT: Final = "reply-draft"


# ---- MAC inputs -----------------------------------------------------------------------------


def receipt_lookup_mac(lookup: str) -> bytes:
    """What a receipt's lookup part is found by."""
    return f"receipt-lookup:{lookup}".encode()


def subject_mac(normalised_name: str) -> bytes:
    """A pseudonym of a person a report names, for counting distinct violators."""
    return f"subject:{normalised_name}".encode()


def receipt_throttle_mac(lookup: str) -> bytes:
    """The throttle bucket of guesses at one receipt."""
    return f"receipt-throttle:{lookup}".encode()


def key_check_mac(purpose: str, kid: str) -> bytes:
    """A server key's check value (MAC of this label under the key): it tells the very key
    from another one under the same id without revealing it. The key file's fingerprint
    (core.keyring) and a backup's manifest (config/backup) both use it."""
    return f"key-check:{purpose}:{kid}".encode()
