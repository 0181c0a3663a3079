"""Signed audit checkpoints, verifiable offline.

This module needs only `cryptography`, so an auditor can check an exported checkpoint on
their own machine, away from the hotline's server:

    python -m audit.lib.checkpoints checkpoint.json PUBLIC_KEY_HEX

That is why it uses Ed25519 itself instead of going through core.crypto, which needs Django:
it is the one module besides core.crypto.primitives that pyproject.toml's import-linter
contract lets import `cryptography` (docs/architecture.md §3).
"""

import json
import sys
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT = "ethics-hotline/audit-checkpoint/v1"


def signed_payload(*, seq: int, head: str, created: datetime, key_id: str) -> bytes:
    body = {
        "context": CONTEXT,
        "seq": seq,
        "head": head,
        "created": created.astimezone(UTC).isoformat(timespec="microseconds"),
        "key_id": key_id,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_sign(*, seq: int, head: str, created: datetime, key_id: str, key: bytes) -> str:
    """The hex Ed25519 signature of the checkpoint under `key`, a raw private key
    (core.keyring's SigningKey.private)."""
    payload = signed_payload(seq=seq, head=head, created=created, key_id=key_id)
    return Ed25519PrivateKey.from_private_bytes(key).sign(payload).hex()


def checkpoint_dict(
    *, seq: int, head: str, created: datetime, key_id: str, signature: str
) -> dict[str, Any]:
    return {
        "seq": seq,
        "head": head,
        "created": created.astimezone(UTC).isoformat(timespec="microseconds"),
        "key_id": key_id,
        "signature": signature,
    }


def checkpoint_verify(data: dict[str, Any], public_key_hex: str) -> bool:
    """True when `data` (as checkpoint_dict gives it) was signed by the key's private half."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        payload = signed_payload(
            seq=int(data["seq"]),
            head=str(data["head"]),
            created=datetime.fromisoformat(str(data["created"])),
            key_id=str(data["key_id"]),
        )
        key.verify(bytes.fromhex(str(data["signature"])), payload)
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m audit.lib.checkpoints CHECKPOINT.json PUBLIC_KEY_HEX")
        return 2
    with open(argv[1]) as f:
        data = json.loads(f.read().strip().splitlines()[-1])
    if checkpoint_verify(data, argv[2]):
        print(f"valid: the chain had {data['seq']} events ending in {data['head']}")
        return 0
    print("INVALID: signature does not match")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
