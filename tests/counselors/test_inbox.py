"""The inbox: who sees which cases, filters in SQL, titles only where a key opens them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseKind, Channel
from counselors.inbox import NO_TITLE, Deadline, InboxFilters, inbox_page, inbox_queryset
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
    assert client.get("/en/staff/cases/").status_code == 404


def test_titles_are_decrypted_only_with_a_wrap(team, cases):
    _, rows = inbox_page(
        user=team.counselor, private=team.key(team.counselor), filters=InboxFilters()
    )
    titles = {row.case.pk: row.title for row in rows}
    assert titles == {cases["mine"].pk: "ของฉัน", cases["free"].pk: NO_TITLE}
    _, rows = inbox_page(user=team.counselor, private=None, filters=InboxFilters())
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


def test_fifty_a_page_with_a_bounded_number_of_queries(team):
    category = CategoryFactory()
    template = Case.objects.get(pk=new_report(team.organisation, category=category).case.pk)
    Case.objects.bulk_create(
        [
            Case(
                kind=template.kind,
                organisation=team.organisation,
                category=category,
                channel=Channel.WEB,
                title_ct=template.title_ct,
                body_ct=template.body_ct,
                receipt_lookup=f"bulk-{i}",
                receipt_salt=b"",
                receipt_wrap=b"",
            )
            for i in range(120)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        page, rows = inbox_page(
            user=team.supervisor, private=team.key(team.supervisor), filters=InboxFilters()
        )
    assert len(rows) == 50 and page.paginator.count == 121 and page.paginator.num_pages == 3
    assert len(queries) <= 4  # exclusions, count, page, wraps
    client = signed_in_client(team.supervisor)
    response = client.get("/en/staff/cases/?page=3&kind=report")
    assert response.status_code == 200
    assert "Page 3 of 3" in response.content.decode()
