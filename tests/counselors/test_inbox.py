"""The inbox: who sees which cases, filters in SQL, titles only where a key opens them."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action, Event
from cases.models import Case, CaseKind, Channel
from counselors import inbox
from counselors.inbox import (
    NO_TITLE,
    Cursor,
    Deadline,
    InboxFilters,
    inbox_page,
    inbox_queryset,
)
from tests.cases.factories import new_report, organisation_with_kit
from tests.conftest import signed_in_client
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def refs(user, **filters):
    return {c.pk for c in inbox_queryset(user, InboxFilters(**filters))}


@pytest.fixture
def cases(team):
    mine = new_report(team.organisation, title="ของฉัน").case
    theirs = new_report(team.organisation, title="ของคนอื่น").case
    free = new_report(team.organisation, title="ยังไม่มีผู้รับ", channel=Channel.PHONE).case
    naming_me = new_report(team.organisation, excluded=[team.counselor]).case
    elsewhere = new_report(organisation_with_kit()[0]).case
    team.assign(mine)
    team.assign(theirs, team.other_counselor)
    return {"mine": mine, "theirs": theirs, "free": free, "naming_me": naming_me, "x": elsewhere}


def test_a_counselor_sees_theirs_and_the_unassigned_never_one_naming_them(team, cases):
    assert refs(team.counselor) == {cases["mine"].pk, cases["free"].pk}
    assert refs(team.counselor, scope="mine") == {cases["mine"].pk}
    assert refs(team.counselor, scope="unassigned") == {cases["free"].pk}


def test_a_supervisor_sees_the_whole_organisation(team, cases):
    expected = {cases[k].pk for k in ("mine", "theirs", "free", "naming_me")}
    assert refs(team.supervisor) == expected


@pytest.mark.parametrize("who", ["custodian", "auditor", "administrator"])
def test_other_roles_see_no_cases(team, cases, who):
    assert refs(getattr(team, who)) == set()
    client = signed_in_client(getattr(team, who))
    assert client.get("/en/staff/cases/").status_code == 403


def test_titles_are_decrypted_only_with_a_wrap(team, cases):
    rows = inbox_page(
        user=team.counselor, private=team.key(team.counselor), filters=InboxFilters()
    ).rows
    titles = {row.case.pk: row.title for row in rows}
    assert titles == {cases["mine"].pk: "ของฉัน", cases["free"].pk: NO_TITLE}
    rows = inbox_page(user=team.counselor, private=None, filters=InboxFilters()).rows
    assert {row.title for row in rows} == {NO_TITLE}


def test_the_page_shows_titles_and_links_only_to_readable_cases(team, cases):
    client = signed_in_client(team.counselor)
    page = client.get("/en/staff/cases/").content.decode()
    assert "ของฉัน" in page and "ยังไม่มีผู้รับ" not in page and "ของคนอื่น" not in page
    assert f'href="/en/staff/cases/{cases["mine"].pk}/"' in page
    assert f'href="/en/staff/cases/{cases["free"].pk}/"' not in page


def test_filters_by_metadata(team, cases):
    category = CategoryFactory(kind=CaseKind.QUESTION)
    question = new_report(team.organisation, kind=CaseKind.QUESTION, category=category).case
    sup = team.supervisor
    assert refs(sup, kind="question") == {question.pk}
    assert refs(sup, category=category.pk) == {question.pk}
    assert refs(sup, channel="phone") == {cases["free"].pk}
    assert refs(sup, state="acknowledged") == set()
    assert question.pk in refs(sup, state="received")


def test_deadline_filters(team, cases):
    today = timezone.localdate()
    Case.objects.filter(pk=cases["mine"].pk).update(due_acknowledge=today - timedelta(days=1))
    Case.objects.filter(pk=cases["free"].pk).update(due_acknowledge=today + timedelta(days=3))
    Case.objects.exclude(pk__in=[cases["mine"].pk, cases["free"].pk]).update(
        due_acknowledge=today + timedelta(days=30), due_feedback=today + timedelta(days=90)
    )
    sup = team.supervisor
    assert refs(sup, deadline=Deadline.OVERDUE) == {cases["mine"].pk}
    assert refs(sup, deadline=Deadline.SOON) == {cases["free"].pk}
    Case.objects.filter(pk=cases["mine"].pk).update(acknowledged_at=timezone.now())
    assert refs(sup, deadline=Deadline.OVERDUE) == set()


def _bulk_cases(team, n, created=None):
    """n cases made fast; with `created`, all received at the same instant (ties to break)."""
    category = CategoryFactory()
    template = Case.objects.get(pk=new_report(team.organisation, category=category).case.pk)
    made = Case.objects.bulk_create(
        [
            Case(
                kind=template.kind,
                organisation=team.organisation,
                category=category,
                channel=Channel.WEB,
                title_ct=template.title_ct,
                body_ct=template.body_ct,
                receipt_lookup=f"bulk-{uuid4()}",
                receipt_salt=b"",
                receipt_wrap=b"",
            )
            for i in range(n)
        ]
    )
    if created is not None:
        Case.objects.filter(pk__in=[c.pk for c in made]).update(created=created)
    return [template, *made]


def newest_first(user, **filters):
    return [c.pk for c in inbox_queryset(user, InboxFilters(**filters))]


def test_fifty_a_page_with_a_bounded_number_of_queries(team):
    _bulk_cases(team, 120)
    with CaptureQueriesContext(connection) as queries:
        page = inbox_page(
            user=team.supervisor, private=team.key(team.supervisor), filters=InboxFilters()
        )
    assert len(page.rows) == 50 and page.total == 121 and page.total_is_exact
    assert page.newer is None and page.older == page.rows[-1].case.pk
    assert len(queries) <= 4  # exclusions, page, count, wraps
    with CaptureQueriesContext(connection) as queries:
        inbox_page(user=team.supervisor, private=None, filters=InboxFilters(), cursor=Cursor(1))
    assert len(queries) <= 4  # exclusions, the cursor's case, page, count


def test_pages_walk_every_case_once_forward_and_back(team):
    _bulk_cases(team, 60, created=timezone.now() - timedelta(days=1))  # ties on `created`
    _bulk_cases(team, 40)
    expected = newest_first(team.supervisor)
    assert len(expected) == 102

    def walk(cursor, step):
        pages = []
        while True:
            page = inbox_page(
                user=team.supervisor, private=None, filters=InboxFilters(), cursor=cursor
            )
            pages.append([row.case.pk for row in page.rows])
            following = step(page)
            if following is None:
                return pages, page
            cursor = Cursor(following, older=step is older)

    def older(page):
        return page.older

    def newer(page):
        return page.newer

    forward, last = walk(None, older)
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [50, 50, 2]
    # "Newer cases" from the last page gives back the very pages walked forward.
    backward, first = walk(Cursor(last.newer, older=False), newer)
    assert backward == forward[-2::-1]
    assert first.newer is None


def test_newer_than_a_case_near_the_top_gives_a_full_first_page(team):
    _bulk_cases(team, 70)
    order = newest_first(team.supervisor)
    page = inbox_page(
        user=team.supervisor, private=None, filters=InboxFilters(), cursor=Cursor(order[3], False)
    )
    assert [row.case.pk for row in page.rows] == order[:50]
    assert page.newer is None and page.older == order[49]


def test_a_cursor_the_filters_leave_out_still_marks_the_place(team, cases):
    question = new_report(team.organisation, kind=CaseKind.QUESTION).case
    older_reports = [pk for pk in newest_first(team.supervisor, kind="report") if pk < question.pk]
    page = inbox_page(
        user=team.supervisor,
        private=None,
        filters=InboxFilters(kind="report"),
        cursor=Cursor(question.pk),
    )
    assert [row.case.pk for row in page.rows] == older_reports


def test_a_cursor_outside_what_the_person_sees_starts_from_the_newest(team, cases):
    for cursor in (Cursor(cases["theirs"].pk), Cursor(cases["x"].pk), Cursor(10**12)):
        page = inbox_page(user=team.counselor, private=None, filters=InboxFilters(), cursor=cursor)
        assert [row.case.pk for row in page.rows] == newest_first(team.counselor)


def test_past_the_limit_the_count_stops_and_says_more_than(team, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_LIMIT", 5)
    monkeypatch.setattr("counselors.views.inbox.COUNT_LIMIT", 5)
    _bulk_cases(team, 20)
    page = inbox_page(user=team.supervisor, private=None, filters=InboxFilters())
    assert page.total == 6 and not page.total_is_exact
    response = signed_in_client(team.supervisor).get("/en/staff/cases/")
    assert "More than 5 cases" in response.content.decode()


def test_the_page_links_to_older_and_newer_cases_keeping_the_filters(team):
    _bulk_cases(team, 55)
    client = signed_in_client(team.supervisor)
    html = client.get("/en/staff/cases/?kind=report").content.decode()
    order = newest_first(team.supervisor)
    assert "56 cases" in html
    assert f'href="?kind=report&amp;after={order[49]}" rel="next"' in html
    html = client.get(f"/en/staff/cases/?kind=report&after={order[49]}").content.decode()
    assert f'before={order[50]}" rel="prev"' in html and 'rel="next"' not in html
    assert all(f">{Case.objects.get(pk=pk).reference}<" in html for pk in order[50:])
    for junk in ("abc", "-1", "9" * 30, "", "\u00b2", "\u0661\u0662", "\uff11\uff12"):
        assert client.get(f"/en/staff/cases/?after={junk}&before={junk}").status_code == 200


def test_each_page_shown_is_one_audited_read_of_the_titles_it_decrypted(team, cases):
    client = signed_in_client(team.counselor)
    assert client.get("/en/staff/cases/").status_code == 200
    events = Event.objects.filter(action=Action.INBOX_READ)
    assert [(e.actor, e.organisation, e.details) for e in events] == [
        (team.counselor, team.organisation, {"cases": [cases["mine"].pk]})
    ]
    # Unassigned cases were listed without a title: nothing of theirs was read.
    client.get("/en/staff/cases/?scope=unassigned")
    assert Event.objects.filter(action=Action.INBOX_READ).count() == 1
    supervisor = signed_in_client(team.supervisor)
    supervisor.get("/en/staff/cases/")
    read = Event.objects.filter(action=Action.INBOX_READ, actor=team.supervisor).get()
    assert sorted(read.details["cases"]) == sorted(
        cases[k].pk for k in ("mine", "theirs", "free", "naming_me")
    )
