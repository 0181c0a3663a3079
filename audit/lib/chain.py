"""The audit chain's encoding: pure functions, no database."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
MAX_DETAILS_BYTES = 2048
# One encoder for every event: json.dumps would build a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ChainRow:
    seq: int
    created: datetime
    actor_id: int | None
    action: str
    organisation_id: int | None
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str = ""


def _check_json(value: object, depth: int = 0) -> None:
    # Floats are refused: their text form differs between databases and would break hashes.
    if depth > 4:
        raise ValueError("audit details nest too deeply")
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("audit detail keys must be strings")
            _check_json(item, depth + 1)
        return
    raise ValueError(f"audit details cannot hold {type(value).__name__}")


def validate_details(details: dict[str, Any]) -> None:
    _check_json(details)
    if len(json.dumps(details, ensure_ascii=False).encode()) > MAX_DETAILS_BYTES:
        raise ValueError("audit details are too large")


def canonical(row: ChainRow) -> bytes:
    created = row.created.astimezone(UTC).isoformat(timespec="microseconds")
    fields = [
        row.seq,
        created,
        row.actor_id,
        row.action,
        row.organisation_id,
        row.object_type,
        row.object_id,
        row.details,
        row.prev_hash,
    ]
    return _CANONICAL.encode(fields).encode()


def chain_hash(row: ChainRow) -> str:
    return hashlib.sha256(row.prev_hash.encode("ascii") + canonical(row)).hexdigest()
