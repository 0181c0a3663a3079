"""A supervisor assigns a case; the assigned counselor may hand it back with a reason."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.assignment import AssignmentRefused, assignable_counselors, case_assign, case_decline
from cases.policy import may_decline, may_hand_back, may_supervise
from core.lib.gate import page_for
from counselors.views.case_page import case_page
from counselors.views.common import case_open, no_access
from counselors.workspace_forms import AssignForm, DeclineForm


@page_for(may_supervise)
@require_POST
def case_assign_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    form = AssignForm(request.POST, counselors=assignable_counselors(opened.case))
    if not form.is_valid():
        return case_page(request, opened, status=400, assign=form)
    try:
        case_assign(
            case_id=opened.case.pk,
            counselor=form.cleaned_data["counselor"],
            supervisor=opened.user,
            private=opened.private,
        )
    except AssignmentRefused as refused:
        return case_page(request, opened, status=409, error=str(refused), assign=form)
    messages.success(request, _("The case was assigned."))
    return redirect("counselors:case", case_id=opened.case.pk)


@page_for(may_hand_back)
@require_POST
def case_decline_view(request: HttpRequest, case_id: int) -> HttpResponse:
    # Declining needs no declaration first: a conflict is the usual reason to decline.
    opened = case_open(request, case_id, declared=False)
    if isinstance(opened, HttpResponse):
        return opened
    if not may_decline(opened.user, opened.case):
        return no_access(request, _("This case is not assigned to you."))
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why you are handing the case back."))
        return redirect("counselors:case_declare", case_id=opened.case.pk)
    try:
        case_decline(
            case_id=opened.case.pk,
            counselor=opened.user,
            private=opened.private,
            reason=form.cleaned_data["reason"],
            conflict=form.cleaned_data["conflict"],
        )
    except AssignmentRefused as refused:
        return no_access(request, str(refused), status=409)
    messages.success(request, _("You handed the case back. A supervisor will reassign it."))
    return redirect("counselors:inbox")
