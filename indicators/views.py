"""The auditor's pages: indicators of their organisation's subtree, exports, the audit log.

Auditors only (docs/architecture.md §1): they see figures and the log, never case content. Who
may is cases/policy.py's say; every other role gets 403 (a page its role never has, the rule
in that module's docstring). The staff gate (counselors.middleware) has already asked for
password and TOTP.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.log_selectors import LogFilter, events_jsonl, events_page
from audit.models import Action, Checkpoint
from audit.selectors import chain_verify
from audit.services import event_record
from cases.models import Category
from cases.policy import may_see_dashboard, may_see_log
from core.lib.fiscal import FiscalYear, fiscal_year_of
from core.lib.gate import page_for
from core.models import Organisation, User
from core.selectors import organisations_in_scope
from indicators.display import blocks, freshness_text, legend
from indicators.engine import Scope
from indicators.exports import (
    ABOUT,
    about_rows,
    csv_text,
    long_rows,
    table_names,
    table_rows,
    xlsx_bytes,
)
from indicators.figures import Report, indicators_report
from indicators.forms import IndicatorForm, LogFilterForm

View = Callable[..., HttpResponseBase]
ALL = "all"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _auditor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # page_for let no one else through
    return request.user


def _scope(request: HttpRequest) -> tuple[IndicatorForm, Scope | None]:
    """The scope the query asks for, or None when the query is wrong (the form says why):
    no figures are better than figures of something else."""
    user = _auditor(request)
    form = IndicatorForm(request.GET or None, organisations=organisations_in_scope(user))
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    organisation = data.get("org") or user.organisation
    assert organisation is not None  # page_for let no one without one through
    year = data.get("fy")
    category_id = None
    if data.get("category"):
        category = Category.objects.filter(code=data["category"]).first()
        category_id = category.pk if category else None
    scope = Scope(
        organisation=organisation,
        fiscal_year=FiscalYear(year) if year else fiscal_year_of(timezone.now()),
        category_id=category_id,
        channel=data.get("channel") or "",
        organisation_type=data.get("org_type") or "",
    )
    return form, scope


def _ancestors(user: User, organisation: Organisation) -> list[Organisation]:
    """The way down from the auditor's own organisation, for breadcrumbs."""
    assert user.organisation is not None
    ids = [int(pk) for pk in organisation.path.strip("/").split("/")]
    chain = Organisation.objects.filter(pk__in=ids, path__startswith=user.organisation.path)
    return sorted(chain, key=lambda o: len(o.path))


@require_GET
@page_for(may_see_dashboard)
def indicators_view(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    if scope is None:
        empty: dict[str, Any] = {"form": form, "scope": None, "report": None, "blocks": []}
        return render(request, "indicators/indicators.html", empty)
    report, previous = indicators_report(scope, compare=True)
    query = request.GET.copy()
    query.pop("org", None)
    context = {
        "form": form,
        "scope": scope,
        "report": report,
        "blocks": blocks(report, previous),
        "previous_year": scope.fiscal_year.previous,
        "children": report.children,
        "ancestors": _ancestors(_auditor(request), scope.organisation),
        "tables": table_names(report),
        "query": request.GET.urlencode(),
        "query_without_org": query.urlencode(),
        "legend": legend(),
        "freshness": freshness_text(report),
    }
    return render(request, "indicators/indicators.html", context)


def _sheets(report: Report, scope: Scope, name: str) -> dict[str, list[list[Any]]]:
    names = table_names(report) if name == ALL else [name]
    about = about_rows(report, scope, timezone.now())
    return {ABOUT: about} | {n: table_rows(report, n) for n in names}


@require_GET
@page_for(may_see_dashboard)
def indicators_export_view(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    _, scope = _scope(request)
    if scope is None:  # the page offers no export for a wrong query
        raise Http404
    report, _previous = indicators_report(scope)
    if name != ALL and name not in table_names(report):
        raise Http404
    if fmt == "csv":
        if name == ALL:  # the long form carries what it describes as rows of its own
            about = about_rows(report, scope, timezone.now())[1:]
            rows = long_rows(report) + [[ABOUT, key, value] for key, value in about]
        else:
            rows = table_rows(report, name)
        body: bytes = ("\ufeff" + csv_text(rows)).encode()  # the BOM makes Excel read UTF-8
    else:
        body = xlsx_bytes(_sheets(report, scope, name))
    event_record(
        action=Action.INDICATORS_EXPORTED,
        actor=_auditor(request),
        organisation=scope.organisation,
        details={
            "table": name,
            "format": fmt,
            "fiscal_year": scope.fiscal_year.be,
            "category_id": scope.category_id,
            "channel": scope.channel,
            "organisation_type": scope.organisation_type,
        },
    )
    response = HttpResponse(body, content_type=FORMATS[fmt])
    filename = f"indicators-{scope.organisation.code}-{scope.fiscal_year.be}-{name}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _log_filter(request: HttpRequest) -> tuple[LogFilterForm, LogFilter | None, int | None]:
    """The filter the query asks for, or None when the query is wrong (the form says why)."""
    user = _auditor(request)
    form = LogFilterForm(request.GET or None, organisations=organisations_in_scope(user))
    if form.is_bound and not form.is_valid():
        return form, None, None
    data = form.cleaned_data if form.is_bound else {}
    organisation = data.get("org") or user.organisation
    assert organisation is not None  # page_for let no one without one through
    log_filter = LogFilter(
        organisation=organisation,
        start=data.get("start"),
        end=data.get("end"),
        actor=data.get("actor") or "",
        action=data.get("action") or "",
    )
    return form, log_filter, data.get("before")


def _log_page(request: HttpRequest, verification: Any = None) -> HttpResponse:
    form, log_filter, before = _log_filter(request)
    checkpoints = Checkpoint.objects.order_by("-seq", "-created")[:10]
    if log_filter is None:
        empty: dict[str, Any] = {
            "form": form,
            "log_filter": None,
            "events": [],
            "checkpoints": checkpoints,
            "verification": verification,
        }
        return render(request, "indicators/log.html", empty)
    events = events_page(log_filter, before)
    event_record(
        action=Action.AUDIT_LOG_VIEWED,
        actor=_auditor(request),
        organisation=log_filter.organisation,
        details=log_filter.as_details(),
    )
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "log_filter": log_filter,
        "events": events,
        "next_before": events[-1].seq if len(events) and events[-1].seq > 1 else None,
        "query": query.urlencode(),
        "checkpoints": checkpoints,
        "verification": verification,
    }
    return render(request, "indicators/log.html", context)


@require_GET
@page_for(may_see_log)
def log_view(request: HttpRequest) -> HttpResponse:
    return _log_page(request)


@require_POST
@page_for(may_see_log)
def log_verify_view(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain against the newest checkpoint: slow on a big log, so on request."""
    return _log_page(request, verification=chain_verify())


@require_GET
@page_for(may_see_log)
def log_export_view(request: HttpRequest) -> StreamingHttpResponse:
    _, log_filter, _before = _log_filter(request)
    if log_filter is None:  # the page offers no export for a wrong query
        raise Http404
    with transaction.atomic():
        event_record(
            action=Action.AUDIT_LOG_EXPORTED,
            actor=_auditor(request),
            organisation=log_filter.organisation,
            details=log_filter.as_details(),
        )

    def lines() -> Iterator[str]:
        for row in events_jsonl(log_filter):
            yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-log-{log_filter.organisation.code}.jsonl"'
    )
    return response
