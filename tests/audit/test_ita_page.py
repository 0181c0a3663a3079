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
    # The totals are exact; with fewer than 5 in all, every month is "<5", even the zeros.
    assert [n for _, n in response.context["months"]] == ["<5"] * 12
    assert not response.cookies
    page = response.content.decode()
    assert "<script" not in page and "<svg" in page and "2569" in page
    assert english.status_code == 200 and "2026" in english.content.decode()


def test_it_says_so_when_there_are_no_complaints(client, organisation):
    response = client.get("/en/ita/ITA1/")
    assert "No complaints have been received this fiscal year." in response.content.decode()
    assert not response.cookies
    assert client.get("/ita/NOPE/").status_code == 404


def test_small_months_are_suppressed_so_none_can_be_worked_out(client, organisation):
    reports = category()
    for day in range(1, 8):
        live(organisation, at(2025, 11, day), category=reports)
    live(organisation, at(2026, 1, 5), category=reports)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        response = client.get("/en/ita/ITA1/")
    stats = response.context["statistics"]
    assert stats.total == 8  # published exactly, as the ITA asks
    shown = [n for _, n in response.context["months"]]
    assert shown[1] == 7 and shown[3] == "<5"
    assert shown.count("<5") == 2  # the total minus the months shown is no single month
    assert sum(n for n in shown if isinstance(n, int)) < 8
    page = response.content.decode()
    assert "&lt;5" in page and ">1<" not in page
