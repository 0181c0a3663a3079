"""The case page: built once here so that a form with errors (or a stale version) is shown
again inside the full page, with everything the person typed."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.assignment import assignable_counselors
from cases.deadlines import next_deadline
from cases.models import Case, Identity, State
from cases.policy import case_permissions
from cases.report_fields import staff_rows
from cases.selectors import attachment_meta, case_content, case_messages
from cases.staff_selectors import (
    case_for_staff,
    case_history,
    case_key_readable,
    identity_requests_for_case,
)
from counselors.case_services import case_read_record, case_seen_record
from counselors.views.common import OpenCase
from counselors.workspace_forms import (
    AssignForm,
    DeclineForm,
    FaqDraftForm,
    IdentityRequestForm,
    LegalHoldForm,
    ReplyForm,
    TransitionForm,
)


def _state_label(details: dict[str, Any]) -> str:
    state = details.get("to") if isinstance(details, dict) else None
    return str(State(state).label) if state in State.values else ""


def _related_case(opened: OpenCase) -> Case | None:
    """The earlier case a retaliation report is about, if this reader may read it too."""
    case, user = opened.case, opened.user
    if case.related_case_id is None:
        return None
    related = case_for_staff(user, case.related_case_id)
    if (
        related is None
        or case_key_readable(case=related, user=user, private=opened.private) is None
    ):
        return None
    return related


def case_page(
    request: HttpRequest,
    opened: OpenCase,
    *,
    status: int = 200,
    error: str = "",
    bound: dict[str, forms.Form] | None = None,
    **posted: forms.Form,
) -> HttpResponse:
    """Render the case; a form just posted (`posted` by name, or `bound`) replaces the blank
    one."""
    bound = {**(bound or {}), **posted}
    user, case, key = opened.user, opened.case, opened.key
    content = case_content(case=case, key=key)
    version = {"version": case.version}
    may = case_permissions(user, case)
    transitions: list[TransitionForm] = []
    for name in may.transitions:
        posted_form = bound.get(f"transition_{name}")
        transitions.append(
            posted_form
            if isinstance(posted_form, TransitionForm)
            else TransitionForm(name=name, initial={"transition": name, **version})
        )
    open_names = {form.name for form in transitions}
    # A step posted from a page that is now out of date stays on screen with what was typed.
    transitions += [
        form
        for key_, form in bound.items()
        if key_.startswith("transition_")
        and isinstance(form, TransitionForm)
        and form.name not in open_names
    ]
    has_identity = Identity.objects.filter(case=case).exists()
    context: dict[str, Any] = {
        "case": case,
        "content": content,
        "body_rows": staff_rows(content.body),
        "thread": case_messages(case=case, key=key, include_internal=True),
        "attachments": [
            (a, attachment_meta(attachment=a, key=key)) for a in case.attachments.order_by("pk")
        ],
        "transitions": transitions,
        "reply_form": bound.get("reply") or ReplyForm(),
        "assign_form": (bound.get("assign") or AssignForm(counselors=assignable_counselors(case)))
        if may.assign
        else None,
        "decline_form": (bound.get("decline") or DeclineForm()) if may.decline else None,
        "hold_form": (bound.get("hold") or LegalHoldForm.for_case(case)) if may.hold else None,
        "related_case": _related_case(opened),
        # The reporter wrote after the case ended: whoever may reopen it is offered to.
        "reporter_wrote_after_end": case.is_ended and case.reporter_wrote_after_end,
        "reopen_offered": "reopen" in open_names,
        "has_identity": has_identity,
        "identity_readable": has_identity and may.read_identity,
        "identity_requests": identity_requests_for_case(case=case, user=user),
        "identity_form": (bound.get("identity") or IdentityRequestForm()) if has_identity else None,
        "faq_form": (bound.get("faq") or FaqDraftForm()) if may.draft_faq else None,
        "next_deadline": next_deadline(case),
        "history": [(event, _state_label(event.details)) for event in case_history(case)],
        "error": error,
    }
    # Every showing of decrypted content leaves a trace, the refused-and-shown-again included.
    case_read_record(case=case, user=user)
    thread = context["thread"]
    case_seen_record(case=case, user=user, up_to=max((m.message.pk for m in thread), default=0))
    return render(request, "counselors/case.html", context, status=status)
