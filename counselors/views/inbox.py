"""The inbox: a page of 50 cases, filtered on metadata, titles decrypted for that page only."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from cases.models import Channel, State
from cases.policy import may_handle_cases, may_supervise
from core.lib.dates import local_date
from core.lib.gate import page_for
from counselors.case_services import inbox_read_record
from counselors.inbox import COUNT_LIMIT, Cursor, InboxFilters, inbox_page
from counselors.keysession import private_key_from_request
from counselors.views.common import staff_of
from counselors.workspace_forms import InboxFilterForm


@page_for(may_handle_cases)
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    is_supervisor = may_supervise(user)
    form = InboxFilterForm(request.GET or None, supervisor=is_supervisor)
    filters = InboxFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = InboxFilters(
            state=data["state"],
            kind=data["kind"],
            category=data["category"].pk if data["category"] else None,
            channel=data["channel"],
            deadline=data["deadline"],
            scope=data["scope"],
        )
    page = inbox_page(
        user=user,
        private=private_key_from_request(request),
        filters=filters,
        cursor=Cursor.from_query(request.GET.get("after"), request.GET.get("before")),
    )
    # Labels and dates are worked out once per row here: the template only prints them, which
    # keeps a page of 50 cheap to render.
    dates: dict[object, str] = {}

    def day(value: date | None) -> str:
        if value is None:
            return ""
        if value not in dates:
            dates[value] = local_date(value)
        return dates[value]

    states, channels = dict(State.choices), dict(Channel.choices)
    lines = [
        {
            "pk": row.case.pk,
            "reference": row.case.reference,
            "url": reverse("counselors:case", args=[row.case.pk]) if row.readable else "",
            "title": row.title,
            "category": row.case.category.label,
            "state": states.get(row.case.state, row.case.state),
            "channel": channels.get(row.case.channel, row.case.channel),
            "received": day(timezone.localdate(row.case.created)),
            "deadline": day(row.deadline),
            "overdue": row.overdue,
            "new": row.new,
            "assignee": (row.case.assignee.get_full_name() or row.case.assignee.username)
            if row.case.assignee
            else "",
        }
        for row in page.rows
    ]
    inbox_read_record(user=user, case_ids=[row.case.pk for row in page.rows if row.readable])
    query = request.GET.copy()
    for cursor in ("after", "before"):
        query.pop(cursor, None)
    context = {
        "form": form,
        "page": page,
        "rows": lines,
        "query": query.urlencode(),
        "is_supervisor": is_supervisor,
        "count_limit": number_format(COUNT_LIMIT, force_grouping=True),
    }
    return render(request, "counselors/inbox.html", context)
