from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.services import CaseUnreadable, NewCase
from cases.uploads import bounded_uploads, max_bytes, max_count, upload_refusals
from core.models import Organisation
from hotline import portal
from hotline.forms import QuestionForm, ReceiptConfirmForm, ReportForm
from hotline.selectors import organisation_receiving
from hotline.services import question_submit, report_submit
from hotline.throttles import intake_allowed
from hotline.views.public import organisation_or_404

THROTTLED = 429


def throttled_error() -> str:
    return _(
        "Very many messages are arriving right now, so yours was not sent yet. Wait a minute "
        "and send it again; what you wrote is kept below."
    )


def unavailable_error(organisation: Organisation) -> str:
    return _(
        "%(name)s has not finished setting up its ethics hotline, so your message could not "
        "be sent. Nothing was stored; what you wrote is kept below."
    ) % {"name": organisation.name}


def unavailable_above_error(organisation: Organisation) -> str:
    return _(
        "A report about the head or the counselors of %(name)s goes to an organisation above "
        "it, but no organisation above %(name)s can receive it yet, so it was not sent. Nothing "
        "was stored; what you wrote is kept below."
    ) % {"name": organisation.name}


def receipt_redirect(request: HttpRequest, new: NewCase) -> HttpResponse:
    portal.receipt_hold(request, new.receipt)
    return redirect("receipt_show")


@require_http_methods(["GET", "HEAD", "POST"])
@portal.split_cookies
def question(request: HttpRequest, code: str) -> HttpResponse:
    org = organisation_or_404(code)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not intake_allowed(org.code):
            form.add_error(None, throttled_error())
            status = THROTTLED
        else:
            try:
                new = question_submit(
                    organisation=org,
                    category=form.cleaned_data["category"],
                    question=form.cleaned_data["question"],
                    identity=form.identity(),
                )
            except CaseUnreadable:
                form.add_error(None, unavailable_error(org))
            else:
                return receipt_redirect(request, new)
    context = {"organisation": org, "form": form, "receiving": organisation_receiving(org)}
    return render(request, "hotline/question.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@bounded_uploads
@portal.split_cookies
def report(request: HttpRequest, code: str) -> HttpResponse:
    org = organisation_or_404(code)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        organisation=org,
        refusals=upload_refusals(request),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        if not intake_allowed(org.code):
            form.add_error(None, throttled_error())
            status = THROTTLED
        else:
            try:
                new = report_submit(
                    organisation=org,
                    category=form.cleaned_data["category"],
                    body=form.body(),
                    identity=form.identity(),
                    attachments=form.cleaned_data["attachments"],
                    executive_involved=form.cleaned_data["executive_involved"],
                    excluded=form.excluded(),
                )
            except CaseUnreadable:
                # Only with an organisation above does such a report go elsewhere
                # (cases.routing.report_route); at the top it stays here.
                above = form.names_the_powerful and org.parent_id is not None
                refused = unavailable_above_error if above else unavailable_error
                form.add_error(None, refused(org))
            else:
                return receipt_redirect(request, new)
    context = {
        "organisation": org,
        "form": form,
        "receiving": organisation_receiving(org),
        "max_count": max_count(),
        "max_bytes": max_bytes(),
    }
    return render(request, "hotline/report.html", context, status=status)


@require_safe
@portal.split_cookies
def receipt_show(request: HttpRequest) -> HttpResponse:
    # A HEAD (a link checker, a prefetch) must not use up the one showing of the receipt.
    digits = portal.receipt_take(request) if request.method == "GET" else None
    context = {
        "groups": [digits[i : i + 4] for i in range(0, len(digits), 4)] if digits else None,
        "awaits_confirmation": digits is not None or portal.receipt_awaits_confirmation(request),
        "form": ReceiptConfirmForm(),
    }
    return render(request, "hotline/receipt.html", context)


@require_POST
@portal.split_cookies
def receipt_confirm(request: HttpRequest) -> HttpResponse:
    form = ReceiptConfirmForm(request.POST)
    if not portal.receipt_awaits_confirmation(request):
        return redirect("sent")
    if form.is_valid() and portal.receipt_confirm(request, form.cleaned_data["last_group"]):
        return redirect("sent")
    if form.is_valid():
        form.add_error(
            "last_group",
            _(
                "These are not the last four digits of your receipt. Compare them with what "
                "you wrote down, digit by digit: if you copied it wrongly, your receipt will "
                "not work."
            ),
        )
    context = {"groups": None, "awaits_confirmation": True, "form": form}
    return render(request, "hotline/receipt.html", context)


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/sent.html")
