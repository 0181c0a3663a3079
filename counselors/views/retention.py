"""A supervisor puts a case on legal hold, which stops its purge, or lifts the hold."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.policy import may_supervise
from cases.retention import HoldRefused, legal_hold_lift, legal_hold_place
from core.lib.gate import page_for
from counselors.views.case_page import case_page
from counselors.views.common import case_open
from counselors.workspace_forms import LegalHoldForm


@page_for(may_supervise)
@require_POST
def legal_hold_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return case_page(request, opened, status=400, hold=form)
    # The step the page offered, not the opposite of the hold as it is now: a page loaded
    # before another supervisor's change is refused rather than undoing it.
    lift = form.cleaned_data["action"] == "lift"
    change = legal_hold_lift if lift else legal_hold_place
    try:
        change(
            case_id=opened.case.pk,
            supervisor=opened.user,
            key=opened.key,
            reason=form.cleaned_data["reason"],
        )
    except HoldRefused as refused:
        opened.case.refresh_from_db(fields=["legal_hold_at"])
        # Shown again as the hold is now, with the reason as typed.
        hold = LegalHoldForm.for_case(opened.case, reason=form.cleaned_data["reason"])
        return case_page(request, opened, status=409, error=str(refused), hold=hold)
    if lift:
        messages.success(request, _("The legal hold was lifted."))
    else:
        messages.success(request, _("The case is on legal hold: it will not be purged."))
    return redirect("counselors:case", case_id=opened.case.pk)
