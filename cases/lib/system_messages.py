"""Messages the system posts to a reporter's thread. They are stored (encrypted) as an event
code (the transition's name) with its values and put into words when shown, in the reader's
language; the words are each transition's `message` in cases.transitions."""

import json

from cases.models import Case
from cases.transitions import transition_named


def system_message_body(case: Case, event: str) -> str:
    values = {
        "event": event,
        "reason": case.rejection_reason,
        "target": case.referral_target,
        "finding": case.finding,
    }
    return json.dumps({k: v for k, v in values.items() if v})


def system_message_text(body: str) -> str:
    try:
        data = json.loads(body)
        event = data["event"]
    except (ValueError, KeyError, TypeError):
        return body
    spec = transition_named(event) if isinstance(event, str) else None
    if spec is None or not spec.message:
        return ""
    probe = Case(
        rejection_reason=data.get("reason", ""),
        referral_target=data.get("target", ""),
        finding=data.get("finding", ""),
    )
    return str(spec.message) % {
        "reason": probe.get_rejection_reason_display(),
        "target": probe.get_referral_target_display(),
        "finding": probe.get_finding_display(),
    }
