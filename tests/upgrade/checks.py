"""What an upgraded release fixture holds, read with today's code and no old server key:
`python -m tests.upgrade.checks FACTS OUT` (settings from the environment, see
tests/upgrade/test_upgrade.py) writes to OUT, as JSON, what it found; the test compares that
with FACTS. It reports rather than asserts, so one run shows every difference at once.

The old server keys are gone (docs/upgrading.md), so cases are found by id rather than by
their receipts' lookup hashes (an HMAC under the old key) and the checkpoint's signature is
checked with the public key recorded in FACTS, as an auditor holding a copy of it would.
"""

import json
import sys
from pathlib import Path
from typing import Any

import django


def _tables(counted: dict[str, int]) -> dict[str, int | None]:
    from django.db import DatabaseError, connection

    found: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        for table in counted:
            try:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # names from facts.json, ours
                found[table] = int(cursor.fetchone()[0])
            except DatabaseError:
                found[table] = None
    return found


def _models_load() -> dict[str, str]:
    """Every row of every model through the ORM: a column the code expects and the upgraded
    database lacks (or holds in a form the field cannot read) fails here."""
    from django.apps import apps

    failures = {}
    for model in apps.get_models():
        try:
            for _ in model._default_manager.all().iterator():
                pass
        except Exception as error:  # reported: the test fails on it
            failures[model._meta.label] = f"{type(error).__name__}: {error}"
    return failures


def _audit(expected: dict[str, Any]) -> dict[str, Any]:
    from audit.lib.checkpoints import checkpoint_verify
    from audit.models import Checkpoint, Event
    from audit.selectors import chain_verify

    report = chain_verify()
    newest = Checkpoint.objects.order_by("-seq", "-created").first()
    checkpoint = {}
    if newest is not None:
        checkpoint = {
            "seq": newest.seq,
            "matches_event": Event.objects.filter(seq=newest.seq, hash=newest.head_hash).exists(),
            "signature_valid": checkpoint_verify(
                newest.as_dict(), expected["signing_key"]["public"]
            ),
        }
    return {
        "count": report.count,
        "head": report.head,
        "bad_seq": report.bad_seq,
        "problem": report.problem,
        "checkpoint": checkpoint,
    }


def _case(expected: dict[str, Any], private: bytes) -> dict[str, Any]:
    """One case opened both ways a person would: the reporter's receipt and the counselor's
    key (when the case was given to them); then everything in it decrypted."""
    from cases.keys import key_open
    from cases.models import Case, IdentityRequest, Rating
    from cases.receipts import receipt_case_key
    from cases.selectors import (
        attachment_chunks,
        attachment_meta,
        case_content,
        case_messages,
        identity_read,
    )
    from cases.staff_selectors import identity_request_reason
    from core import crypto
    from core.models import User

    case = Case.objects.get(pk=expected["id"])
    found: dict[str, Any] = {"uid": str(case.uid)}
    key = receipt_case_key(case, crypto.receipt_parse(expected["receipt"]))
    found["receipt_opens"] = key is not None
    if key is None:
        return found
    counselor = User.objects.get(username="counselor")
    staff_key = key_open(case=case, user=counselor, private=private)
    found["counselor_key"] = None if staff_key is None else staff_key == key
    content = case_content(case=case, key=key)
    found |= {"title": content.title, "body": content.body}
    messages = case_messages(case=case, key=key, include_internal=True)
    found["messages"] = [str(m.body) for m in messages]
    found["attachments"] = [
        {
            **attachment_meta(attachment=a, key=key),
            "content": b"".join(attachment_chunks(attachment=a, key=key)).decode(),
        }
        for a in case.attachments.order_by("pk")
    ]
    found["identity"] = identity_read(case=case, user=counselor, private=private)
    found["identity_request_reasons"] = [
        identity_request_reason(request=r, user=counselor, private=private)
        for r in IdentityRequest.objects.filter(case=case).order_by("pk")
    ]
    rating = Rating.objects.filter(case=case).first()
    if rating is not None:
        found["rating_comment"] = crypto.text_decrypt(
            key, bytes(rating.comment_ct), case_id=str(case.uid), field="rating.comment"
        )
    return found


def _case_or_error(expected: dict[str, Any], private: bytes) -> dict[str, Any]:
    try:
        return _case(expected, private)
    except Exception as error:  # reported: the test names it
        return {"error": f"{type(error).__name__}: {error}"}


def observe(facts: dict[str, Any]) -> dict[str, Any]:
    from cases.models import FaqEntry
    from cases.staff_keys import staff_key_unlock
    from core.models import User

    # Read first: unlocking a key that no longer opens would write a new pair and an event.
    found = {
        "counts": _tables(facts["counts"]),
        "model_failures": _models_load(),
        "audit": _audit(facts["audit"]),
        "faq_questions": list(FaqEntry.objects.values_list("question_th", flat=True)),
    }
    unlocked = staff_key_unlock(
        user=User.objects.get(username="counselor"), password=facts["demo_password"]
    )
    return found | {
        "staff_key_replaced": unlocked.replaced,
        "cases": {
            name: _case_or_error(expected, unlocked.private)
            for name, expected in facts["cases"].items()
        },
    }


def main() -> None:
    django.setup()
    facts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    found = observe(facts)
    Path(sys.argv[2]).write_text(json.dumps(found, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
