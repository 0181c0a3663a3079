"""Messages the system posts to a reporter's thread. They are stored (encrypted) as an event
code with its values and put into words when shown, in the reader's language."""

import json

from django.utils.translation import gettext as _

from cases.models import Case

EVENTS = ("acknowledge", "reject", "refer", "conclude", "reopen")


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
    probe = Case(
        rejection_reason=data.get("reason", ""),
        referral_target=data.get("target", ""),
        finding=data.get("finding", ""),
    )
    texts = {
        "acknowledge": _(
            "Your report was received and acknowledged. An ethics counselor will assess it."
        ),
        "reject": _(
            "Your report cannot be taken up here. Reason: %(reason)s. You may take it to the "
            "National Anti-Corruption Commission, the Public Sector Anti-Corruption Commission "
            "or the Damrongdhama Center (call 1567)."
        ),
        "refer": _("Your report was referred to: %(target)s."),
        "conclude": _("The inquiry into your report is finished. Finding: %(finding)s."),
        "reopen": _("Your case was reopened and will be looked at again."),
    }
    text = texts.get(event)
    if text is None:
        return ""
    return text % {
        "reason": probe.get_rejection_reason_display(),
        "target": probe.get_referral_target_display(),
        "finding": probe.get_finding_display(),
    }
