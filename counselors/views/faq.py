"""FAQ entries on the staff side: drafted from an answered question, published or withdrawn
by a supervisor."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import FaqEntry
from cases.policy import may_handle_cases, may_publish_faq, may_see_faq_entry
from cases.staff_selectors import faq_drafts_for
from core.lib.gate import page_for
from counselors.faq_services import FaqRefused, faq_draft_create, faq_publish, faq_withdraw
from counselors.views.case_page import case_page
from counselors.views.common import case_open, staff_of
from counselors.workspace_forms import FaqDraftForm


@page_for(may_handle_cases)
@require_POST
def faq_draft_view(request: HttpRequest, case_id: int) -> HttpResponse:
    opened = case_open(request, case_id)
    if isinstance(opened, HttpResponse):
        return opened
    form = FaqDraftForm(request.POST)
    if not form.is_valid():
        return case_page(request, opened, status=400, faq=form)
    try:
        faq_draft_create(case=opened.case, key=opened.key, user=opened.user, **form.cleaned_data)
    except FaqRefused as refused:
        return case_page(request, opened, status=400, error=str(refused), faq=form)
    messages.success(request, _("The FAQ entry waits for a supervisor to publish it."))
    return redirect("counselors:case", case_id=opened.case.pk)


@page_for(may_handle_cases)
@require_GET
def faq_drafts_view(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    context = {"entries": faq_drafts_for(user)[:200], "can_publish": may_publish_faq(user)}
    return render(request, "counselors/faq_drafts.html", context)


def _supervisor_decides(
    request: HttpRequest, entry_id: int, decide: Callable[..., FaqEntry], done: str
) -> HttpResponse:
    user = staff_of(request)
    entry = FaqEntry.objects.filter(pk=entry_id).first()
    if entry is None or not may_see_faq_entry(user, entry):
        raise Http404
    try:
        decide(entry_id=entry_id, supervisor=user)
    except FaqRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("counselors:faq_drafts")


@page_for(may_publish_faq)
@require_POST
def faq_publish_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _supervisor_decides(request, entry_id, faq_publish, _("The entry is published."))


@page_for(may_publish_faq)
@require_POST
def faq_withdraw_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    done = _("The entry is withdrawn: it is not on the public FAQ.")
    return _supervisor_decides(request, entry_id, faq_withdraw, done)
