import pytest
import time_machine

from cases.models import State
from tests.audit.indicator_fixtures import at, category, live, org, register_row


@pytest.fixture
def organisation(db):
    return org(code="ITA1")


def test_it_shows_the_current_years_complaints_by_month(client, organisation):
    reports = category()
    live(organisation, at(2025, 10, 3), category=reports, state=State.CLOSED)
    live(organisation, at(2026, 2, 3), category=reports)
    register_row(organisation, at(2026, 2, 4).date(), category=reports, finding="rejected")
    live(org(organisation), at(2026, 2, 3), category=reports)  # a child publishes its own
    live(organisation, at(2025, 9, 30, 23, 59), category=reports)  # last year
    with time_machine.travel(at(2026, 3, 1), tick=False):
        response = client.get("/ita/ITA1/")
        english = client.get("/en/ita/ITA1/")
    assert response.status_code == 200
    stats = response.context["statistics"]
    assert (stats.total, stats.completed, stats.in_progress) == (3, 2, 1)
    assert [n for _, n in response.context["months"]] == [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    assert not response.cookies
    page = response.content.decode()
    assert "<script" not in page and "<svg" in page and "2569" in page
    assert english.status_code == 200 and "2026" in english.content.decode()


def test_it_says_so_when_there_are_no_complaints(client, organisation):
    response = client.get("/en/ita/ITA1/")
    assert "No complaints have been received this fiscal year." in response.content.decode()
    assert not response.cookies
    assert client.get("/ita/NOPE/").status_code == 404
