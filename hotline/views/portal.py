"""The reporter's way back: a receipt opens their case for a short, idle-limited session."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.models import CaseKind, Category, Rating
from cases.receipts import receipt_open
from cases.report_fields import reporter_rows
from cases.selectors import categories_of
from cases.services import CaseUnreadable
from cases.uploads import bounded_uploads, max_bytes, max_count, upload_refusals
from core import crypto
from hotline import portal
from hotline.forms import (
    IdentityForm,
    RatingForm,
    ReceiptForm,
    ReplyForm,
    RetaliationForm,
)
from hotline.selectors import reporter_case, reporter_status
from hotline.services import (
    rating_give,
    reporter_identity_disclose,
    reporter_reply,
    retaliation_submit,
)
from hotline.throttles import (
    intake_allowed,
    receipt_attempt_allowed,
    receipt_failure_count,
    receipt_failures_forget,
)
from hotline.views.intake import THROTTLED, receipt_redirect, throttled_error, unavailable_error

RETALIATION_CATEGORY = "retaliation"

View = Callable[..., HttpResponse]


def reporter_only(view: View) -> View:
    """The view runs only with a case open in this session; it finds it in request.reporter."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        opened, expired = portal.portal_case(request)
        if opened is None:
            return redirect(reverse("receipt_enter") + ("?ended=idle" if expired else ""))
        request.reporter = opened  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return portal.split_cookies(wrapper)


def _opened(request: HttpRequest) -> portal.OpenCase:
    opened: portal.OpenCase = request.reporter  # type: ignore[attr-defined]
    return opened


def _lookup_of(text: str) -> str | None:
    try:
        return crypto.receipt_parse(text).lookup
    except crypto.CryptoError:
        return None


def _receipt_page(
    request: HttpRequest, form: ReceiptForm, *, ended: bool, dropped: list[str], status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "ended": ended,
        "dropped": dropped,
        "idle_minutes": portal.idle_seconds() // 60,
    }
    return render(request, "hotline/receipt_enter.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@portal.split_cookies
def receipt_enter(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["receipt"]
        lookup = _lookup_of(text)
        if not receipt_attempt_allowed(lookup):
            form.add_error(
                None,
                _("Too many attempts. Wait 15 minutes, then type your receipt number again."),
            )
            status = THROTTLED
        else:
            opened = receipt_open(text) if lookup is not None else None
            if opened is not None:
                assert lookup is not None
                receipt_failures_forget(lookup)
                portal.portal_open(request, *opened)
                if form.cleaned_data["carried"].strip():
                    portal.reply_draft_hold(request, form.cleaned_data["carried"])
                    return redirect(reverse("case") + "#reply")
                return redirect("case")
            if lookup is not None:
                receipt_failure_count(lookup)
            form.add_error(
                None,
                _(
                    "No case could be opened with that receipt number. Check the digits and "
                    "try again."
                ),
            )
    ended = request.GET.get("ended") == "idle"
    return _receipt_page(request, form, ended=ended, dropped=[], status=status)


def _case_page(request: HttpRequest, **forms: Any) -> HttpResponse:
    opened = _opened(request)
    view = reporter_case(case=opened.case, key=opened.key)
    context = {
        "view": view,
        "rows": reporter_rows(view.body),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "draft_restored": forms.get("draft_restored", False),
        "identity_form": forms.get("identity_form") or IdentityForm(),
        "max_count": max_count(),
        "max_bytes": max_bytes(),
        "idle_minutes": portal.idle_seconds() // 60,
        "sent": request.GET.get("sent"),
        "status": reporter_status(opened.case),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "rated": Rating.objects.filter(case=opened.case).exists(),
    }
    return render(request, "hotline/case.html", context, status=forms.get("status", 200))


@require_safe
@reporter_only
def case(request: HttpRequest) -> HttpResponse:
    draft = portal.reply_draft_take(request) if request.method == "GET" else ""
    if draft:
        return _case_page(
            request, reply_form=ReplyForm(initial={"body": draft}), draft_restored=True
        )
    return _case_page(request)


@require_POST
@bounded_uploads
@portal.split_cookies
def case_reply(request: HttpRequest) -> HttpResponse:
    opened, expired = portal.portal_case(request)
    if opened is None:
        # The case closed while the reply was being typed: ask for the receipt again and
        # carry the reply in that form, rather than lose it in a redirect.
        receipt_form = ReceiptForm(initial={"carried": request.POST.get("body", "")})
        reply = ReplyForm(request.POST, request.FILES, refusals=upload_refusals(request))
        return _receipt_page(request, receipt_form, ended=expired, dropped=reply.dropped_files)
    request.reporter = opened  # type: ignore[attr-defined]
    form = ReplyForm(request.POST, request.FILES, refusals=upload_refusals(request))
    if form.is_valid():
        reporter_reply(
            case=opened.case,
            key=opened.key,
            body=form.cleaned_data["body"],
            attachments=form.cleaned_data["attachments"],
        )
        return redirect(reverse("case") + "?sent=reply#thread")
    return _case_page(request, reply_form=form)


@require_POST
@reporter_only
def case_identity(request: HttpRequest) -> HttpResponse:
    opened = _opened(request)
    form = IdentityForm(request.POST)
    if form.is_valid():
        identity = form.identity()
        assert identity is not None  # the name is required here
        reporter_identity_disclose(case=opened.case, identity=identity)
        return redirect(reverse("case") + "?sent=identity#identity")
    return _case_page(request, identity_form=form)


def _retaliation_category() -> Category | None:
    return categories_of(CaseKind.REPORT).filter(code=RETALIATION_CATEGORY).first()


@require_http_methods(["GET", "HEAD", "POST"])
@bounded_uploads
@reporter_only
def case_retaliation(request: HttpRequest) -> HttpResponse:
    opened = _opened(request)
    if opened.case.kind != CaseKind.REPORT:
        raise Http404
    category = _retaliation_category() or categories_of(CaseKind.REPORT).first()
    form = RetaliationForm(
        request.POST or None, request.FILES or None, refusals=upload_refusals(request)
    )
    status = 200
    if request.method == "POST" and form.is_valid() and category is not None:
        if not intake_allowed(opened.case.organisation.code):
            form.add_error(None, throttled_error())
            status = THROTTLED
        else:
            try:
                new = retaliation_submit(
                    case=opened.case,
                    category=category,
                    body=form.body(),
                    attachments=form.cleaned_data["attachments"],
                )
            except CaseUnreadable:
                form.add_error(None, unavailable_error(opened.case.organisation))
            else:
                return receipt_redirect(request, new)
    context = {"form": form, "max_count": max_count(), "max_bytes": max_bytes()}
    return render(request, "hotline/retaliation.html", context, status=status)


@require_POST
@portal.split_cookies
def case_leave(request: HttpRequest) -> HttpResponse:
    portal.portal_close(request)
    response = render(request, "hotline/left.html")
    # The form token's cookie goes too: leaving leaves nothing of the visit in the browser.
    response.delete_cookie(settings.CSRF_COOKIE_NAME, samesite="Strict")
    return response


@require_POST
@reporter_only
def case_rate(request: HttpRequest) -> HttpResponse:
    opened = _opened(request)
    form = RatingForm(request.POST)
    if form.is_valid():
        rating_give(
            case=opened.case,
            key=opened.key,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
        return redirect(reverse("case") + "?sent=rating#rating")
    return _case_page(request, rating_form=form)
