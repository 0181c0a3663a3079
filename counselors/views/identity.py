"""Four eyes on a reporter's identity: asking (counselors) and deciding (custodians)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import IdentityRequest
from cases.policy import (
    may_decide_identity_request,
    may_decide_identity_requests,
    may_handle_cases,
    may_see_identity_request,
)
from cases.staff_selectors import identity_request_reason, identity_requests_for_custodian
from core.lib.gate import page_for
from counselors.identity_services import (
    IdentityRefused,
    identity_request_create,
    identity_request_decide,
)
from counselors.keysession import private_key_from_request
from counselors.views.case_page import case_page
from counselors.views.common import case_open, no_access, staff_of
from counselors.workspace_forms import IdentityRequestForm


@page_for(may_handle_cases)
@require_POST
def identity_request_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    form = IdentityRequestForm(request.POST)
    if not form.is_valid():
        return case_page(request, opened, status=400, identity=form)
    try:
        identity_request_create(
            case=opened.case, requester=opened.user, reason=form.cleaned_data["reason"]
        )
    except IdentityRefused as refused:
        return case_page(request, opened, status=409, error=str(refused), identity=form)
    messages.success(request, _("Your request was sent to the identity custodians."))
    return redirect("counselors:case", case_id=opened.case.pk)


@page_for(may_decide_identity_requests)
@require_GET
def identity_requests_view(request: HttpRequest) -> HttpResponse:
    """The custodian's list: who asks, about which case number, and why; no case content."""
    user = staff_of(request)
    private = private_key_from_request(request)
    if private is None:
        return no_access(request, _("Your key is not unlocked. Sign out and sign in again."))
    rows = [
        (
            r,
            identity_request_reason(request=r, user=user, private=private),
            may_decide_identity_request(user, r),
        )
        for r in identity_requests_for_custodian(user)
    ]
    return render(request, "counselors/identity_requests.html", {"rows": rows})


@page_for(may_decide_identity_requests)
@require_POST
def identity_request_decide_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = staff_of(request)
    identity_request = IdentityRequest.objects.select_related("case").filter(pk=request_id).first()
    if identity_request is None or not may_see_identity_request(user, identity_request):
        raise Http404
    private = private_key_from_request(request)
    if private is None:
        return no_access(request, _("Your key is not unlocked. Sign out and sign in again."))
    decision = request.POST.get("decision")
    if decision not in ("approve", "deny"):
        messages.error(request, _("Choose to approve or to deny."))
        return redirect("counselors:identity_requests")
    try:
        identity_request_decide(
            request_id=identity_request.pk,
            custodian=user,
            private=private,
            approve=decision == "approve",
        )
    except IdentityRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your decision was recorded."))
    return redirect("counselors:identity_requests")
