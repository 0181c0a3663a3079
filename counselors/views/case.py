"""A case: reading it, declaring no conflict, replying, moving it on, its files and the
reporter's identity (once a custodian approved)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Attachment
from cases.policy import may_decline, may_handle_cases, may_read_identity
from cases.report_fields import IDENTITY_LABELS
from cases.selectors import attachment_chunks, attachment_meta, identity_read
from cases.transitions import staff_transition_names
from cases.workflow import StaleCase, TransitionRefused, case_transition
from core.lib.gate import page_for
from counselors.case_services import (
    attachment_download_record,
    conflict_declare,
    identity_read_record,
    reply_add,
)
from counselors.views.case_page import case_page
from counselors.views.common import case_open
from counselors.workspace_forms import DeclareForm, DeclineForm, ReplyForm, TransitionForm


@page_for(may_handle_cases)
@require_GET
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    return case_page(request, opened)


@page_for(may_handle_cases)
@require_http_methods(["GET", "POST"])
def case_declare(request: HttpRequest, case_id: int) -> HttpResponse:
    """Before a counselor first reads a case: no conflict of interest, or hand it back."""
    opened = case_open(request, case_id, declared=False)
    if isinstance(opened, HttpResponse):
        return opened
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conflict_declare(case=opened.case, user=opened.user)
        return redirect("counselors:case", case_id=opened.case.pk)
    context = {
        "case": opened.case,
        "form": form,
        "decline_form": DeclineForm() if may_decline(opened.user, opened.case) else None,
    }
    return render(request, "counselors/declare.html", context)


@page_for(may_handle_cases)
@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return case_page(request, opened, status=400, reply=form)
    reply_add(
        case=opened.case,
        key=opened.key,
        user=opened.user,
        kind=form.cleaned_data["kind"],
        body=form.cleaned_data["body"],
    )
    messages.success(request, _("Your message was added to the case."))
    return redirect("counselors:case", case_id=opened.case.pk)


@page_for(may_handle_cases)
@require_POST
def case_transition_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    name = next((n for n in staff_transition_names() if f"{n}-transition" in request.POST), None)
    if name is None:
        return case_page(request, opened, status=400, error=_("Choose a step."))
    form = TransitionForm(request.POST, name=name)
    slot = f"transition_{name}"
    if not form.is_valid():
        return case_page(request, opened, status=400, bound={slot: form})
    try:
        case_transition(
            case_id=opened.case.pk,
            name=name,
            actor=opened.user,
            version=form.cleaned_data["version"],
            key=opened.key,
            **form.outcome(),
        )
    except StaleCase:
        return case_page(
            request,
            opened,
            status=409,
            error=_(
                "Someone else changed this case while you were working on it. Check the "
                "case below; what you typed is still in the form."
            ),
            bound={slot: _restamped(form, opened.case.version)},
        )
    except TransitionRefused as refused:
        return case_page(request, opened, status=409, error=str(refused), bound={slot: form})
    messages.success(request, _("The case was moved on."))
    return redirect("counselors:case", case_id=opened.case.pk)


def _restamped(form: TransitionForm, version: int) -> TransitionForm:
    """The same typed values, carrying the version the page now shows, so that sending again
    after a look is a deliberate act on the current case."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("version")] = str(version)
    return TransitionForm(data, name=form.name)


@page_for(may_handle_cases)
@require_GET
def attachment_download(
    request: HttpRequest, case_id: int, attachment_uid: str
) -> HttpResponseBase:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    attachment = Attachment.objects.filter(case=opened.case, uid=attachment_uid).first()
    if attachment is None:
        raise Http404
    meta = attachment_meta(attachment=attachment, key=opened.key)
    attachment_download_record(attachment=attachment, user=opened.user)
    # Never shown inline: a file from a stranger is saved, not opened by the browser.
    response = StreamingHttpResponse(
        attachment_chunks(attachment=attachment, key=opened.key),
        content_type="application/octet-stream",
    )
    disposition = content_disposition_header(
        as_attachment=True, filename=meta.get("name") or "attachment"
    )
    response["Content-Disposition"] = disposition or "attachment"
    return response


@page_for(may_handle_cases)
@require_GET
def identity_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    if not may_read_identity(opened.user, opened.case):  # no custodian opened it to them
        raise Http404
    identity = identity_read(case=opened.case, user=opened.user, private=opened.private)
    if identity is None:
        raise Http404
    identity_read_record(case=opened.case, user=opened.user)
    rows = [(str(IDENTITY_LABELS.get(k, k)), v) for k, v in identity.items() if v]
    return render(request, "counselors/identity.html", {"case": opened.case, "rows": rows})
