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
    # Only the months before this one are published (October to February).
    assert [n for _, n in response.context["months"]] == ["<5"] * 5
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


def test_the_figures_move_once_a_month_not_the_day_a_complaint_comes_in(client, organisation):
    reports = category()
    live(organisation, at(2026, 1, 10), category=reports)
    live(organisation, at(2026, 1, 20), category=reports, state=State.CLOSED,
         closed_at=at(2026, 2, 20))  # fmt: skip
    live(organisation, at(2026, 2, 14), category=reports)
    with time_machine.travel(at(2026, 2, 25), tick=False):
        february = client.get("/en/ita/ITA1/").context["statistics"]
    assert (february.total, february.completed) == (2, 0)  # as of 1 February
    with time_machine.travel(at(2026, 3, 2), tick=False):
        march = client.get("/en/ita/ITA1/").context["statistics"]
    assert (march.total, march.completed) == (3, 1)  # as of 1 March
    assert march.as_of == at(2026, 3, 1, 0, 0)


def test_on_the_first_of_october_the_year_just_ended_is_shown_whole(client, organisation):
    live(organisation, at(2026, 9, 30, 23, 0), category=category())
    with time_machine.travel(at(2026, 10, 1, 8, 0), tick=False):
        response = client.get("/en/ita/ITA1/")
    statistics = response.context["statistics"]
    assert statistics.fiscal_year.be == 2569 and statistics.total == 1
    assert len(response.context["months"]) == 12
