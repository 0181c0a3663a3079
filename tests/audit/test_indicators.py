"""The indicator engine against hand-computed fixtures (threshold 1: nothing suppressed, so
every figure can be checked; suppression has its own tests)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from cases.models import (
    ActionType,
    AuthorSide,
    CaseKind,
    Channel,
    Finding,
    Message,
    ReferralTarget,
    RejectionReason,
    State,
    SubjectPseudonym,
    Visibility,
)
from cases.workflow import subject_pseudonym
from core.lib.fiscal import FiscalYear
from indicators.definitions import INDICATOR_IDS
from indicators.engine import Scope
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import TYPES, at, category, live, org, register_row

FY = FiscalYear(2569)
AFTER_YEAR = at(2026, 10, 15)
everything_shown = override_settings(HOTLINE_SUPPRESSION_THRESHOLD=1)


def report_for(organisation, fiscal_year=FY, now=AFTER_YEAR, **filters):
    scope = Scope(organisation=organisation, fiscal_year=fiscal_year, now=now, **filters)
    return indicators_report(scope)[0]


@pytest.fixture
def scenario(db):
    """Root R (100 staff) > A (municipality, 60) > A1 (SAO, 40); R > B (0); X elsewhere."""
    root = org(headcount=100, type=TYPES.PROVINCE)
    a = org(root, headcount=60, type=TYPES.MUNICIPALITY)
    a1 = org(a, headcount=40, type=TYPES.SAO)
    b = org(root, headcount=0, type=TYPES.MUNICIPALITY)
    x = org(headcount=10)
    corruption = category(is_corruption=True, code="corruption")
    ethics = category(code="ethics")
    law = category(CaseKind.QUESTION, code="law")
    c1 = live(
        a, at(2025, 10, 5, 10), category=corruption, state=State.CLOSED,
        acknowledged_at=at(2025, 10, 8), feedback_at=at(2025, 11, 1),
        due_feedback=date(2026, 1, 3), finding=Finding.SUBSTANTIATED,
        closed_at=at(2025, 12, 4, 10), amount_recovered=Decimal(1000),
        action_type=ActionType.DISCIPLINARY,
    )  # fmt: skip
    SubjectPseudonym.objects.create(case=c1, pseudonym=subject_pseudonym("Somchai"))
    Message.objects.create(
        case=c1, author_side=AuthorSide.REPORTER, visibility=Visibility.SHARED, body_ct=b"x"
    )
    Message.objects.filter(case=c1).update(created=at(2025, 10, 7, 11))
    live(
        a, at(2025, 11, 10), category=corruption, channel=Channel.PHONE, is_anonymous=False,
        acknowledged_at=at(2025, 11, 20), state=State.REJECTED,
        rejection_reason=RejectionReason.OUT_OF_SCOPE, due_feedback=date(2026, 2, 8),
    )  # fmt: skip
    c3 = live(
        a, at(2026, 5, 1), category=ethics, is_retaliation=True, state=State.INVESTIGATING,
        due_feedback=date(2026, 7, 30),
    )  # fmt: skip
    Message.objects.create(
        case=c3, author_side=AuthorSide.REPORTER, visibility=Visibility.SHARED, body_ct=b"x"
    )
    Message.objects.filter(case=c3).update(created=at(2026, 5, 1, 14))  # same day: not counted
    live(
        a, at(2025, 12, 1), kind=CaseKind.QUESTION, category=law, state=State.CLOSED,
        due_answer=date(2025, 12, 16), answered_at=at(2025, 12, 10), closed_at=at(2025, 12, 20),
    )  # fmt: skip
    live(
        a1, at(2026, 3, 1), category=ethics, channel=Channel.LETTER, state=State.REFERRED,
        acknowledged_at=at(2026, 3, 3), referral_target=ReferralTarget.NACC,
        feedback_at=at(2026, 6, 10), due_feedback=date(2026, 5, 30),
    )  # fmt: skip
    live(
        a1, at(2026, 9, 30, 23, 59), kind=CaseKind.QUESTION, category=law,
        channel=Channel.PHONE, due_answer=date(2026, 10, 15),
    )  # fmt: skip
    live(a1, at(2026, 10, 1, 0, 0), kind=CaseKind.QUESTION, category=law)  # FY 2570
    live(a1, at(2025, 9, 30, 23, 59), category=ethics)  # FY 2568, still open
    live(x, at(2026, 1, 1), category=corruption)  # another tree
    register_row(
        a1, date(2026, 2, 1), category=ethics, is_anonymous=False,
        acknowledged_date=date(2026, 2, 3), closed_date=date(2026, 3, 3),
        finding=Finding.PARTLY, incident_date=date(2026, 1, 22),
        subject_pseudonym=subject_pseudonym("  SOMCHAI "),
    )  # fmt: skip
    register_row(
        a, date(2026, 4, 10), category=corruption, channel=Channel.PHONE,
        closed_date=date(2026, 4, 20), finding=Finding.UNSUBSTANTIATED,
    )  # fmt: skip
    register_row(
        a, date(2025, 3, 1), category=corruption, finding=Finding.SUBSTANTIATED,
        subject_pseudonym=subject_pseudonym("Somsak"), closed_date=date(2025, 4, 1),
    )  # fmt: skip
    register_row(a, date(2025, 3, 2), category=corruption, finding=Finding.PARTLY)
    return {"root": root, "a": a, "a1": a1, "b": b, "x": x}


@everything_shown
def test_it_computes_every_indicator_of_a_subtree(scenario):
    report = report_for(scenario["a"])
    assert tuple(report.figures) == INDICATOR_IDS
    values = report.as_dict()
    expected = {
        "cases_received": 8,
        "reports_received": 6,
        "questions_received": 2,
        "reports_per_100_staff": 6.0,
        "median_org_reports_per_100_staff": None,
        "ita_total": 6,
        "ita_completed": 5,
        "ita_in_progress": 1,
        "anonymous_rate": round(4 / 6, 4),
        "anonymous_follow_up_rate": round(1 / 3, 4),
        "acknowledged_within_7_days_rate": 0.5,
        "feedback_within_deadline_rate": 0.25,
        "feedback_within_90_days_rate": 0.25,
        "median_days_to_close": 24.5,
        "p90_days_to_close": 51.0,
        "open_over_90_days": 3,  # c3, the FY 2568 case, the register row with no closed date
        "open_over_180_days": 2,
        "substantiation_rate": round(2 / 3, 4),
        "substantiation_rate_anonymous": 0.5,
        "substantiation_rate_named": 1.0,
        "retaliation_reports": 1,
        "retaliation_substantiation_rate": None,
        "amount_recovered": "1000.00",
        "substantiated_corruption_reports": 1,
        "substantiated_corruption_change": -0.5,
        "distinct_violators": 1,
        "distinct_violators_change": 0.0,
        "median_reporting_lag_days": 10.0,
        "questions_answered_on_time_rate": 1.0,
        "satisfaction_rate": None,
        "faq_entries_published": 0,
    }
    assert {key: values[key] for key in expected} == expected
    assert values["channel_mix"] == {
        "web": 4, "phone": 3, "walk_in": 0, "letter": 1, "referral": 0,
    }  # fmt: skip
    assert values["cases_by_organisation_type"]["municipality"] == 5
    assert values["cases_by_organisation_type"]["sao"] == 3
    assert values["category_mix"] == {"corruption": 3, "ethics": 3}
    assert values["questions_by_topic"] == {"law": 2}
    assert values["triage_outcomes"] == {"investigated": 4, "referred": 1, "rejected": 1}
    assert values["actions_taken"]["disciplinary"] == 1
    assert sum(values["actions_taken"].values()) == 1
    months = values["ita_by_month"]
    assert (min(months), max(months)) == ("2025-10", "2026-09")
    assert {k: v for k, v in months.items() if v} == {
        "2025-10": 1, "2025-11": 1, "2026-02": 1, "2026-03": 1, "2026-04": 1, "2026-05": 1,
    }  # fmt: skip


@everything_shown
def test_it_adds_up_the_whole_subtree_and_nothing_else(scenario):
    report = report_for(scenario["root"])
    assert report["cases_received"].value == 8  # the case in X is not counted
    assert report["reports_per_100_staff"].value == 6 * 100 / 200
    children = {row.organisation.pk: row for row in report.children}
    assert children[scenario["a"].pk].cases.count == 8
    assert children[scenario["b"].pk].cases.count == 0
    assert report_for(scenario["a1"])["cases_received"].value == 3
    assert report_for(scenario["x"])["cases_received"].value == 1


@everything_shown
def test_it_filters_by_channel_category_and_organisation_type(scenario):
    assert report_for(scenario["a"], channel=Channel.PHONE)["cases_received"].value == 3
    assert report_for(scenario["a"], organisation_type=TYPES.SAO)["cases_received"].value == 3
    ethics = scenario["a"].cases.filter(category__code="ethics").first().category_id
    assert report_for(scenario["a"], category_id=ethics)["reports_received"].value == 3


@everything_shown
def test_it_splits_fiscal_years_at_midnight_bangkok_time(db):
    organisation = org()
    for moment in (
        at(2025, 9, 30, 23, 59, 59),
        at(2025, 10, 1, 0, 0),
        at(2026, 9, 30, 23, 59),
        at(2026, 10, 1, 0, 0),
    ):
        live(organisation, moment)
    received = {
        year: report_for(organisation, FiscalYear(year))["cases_received"].value
        for year in (2568, 2569, 2570)
    }
    assert received == {2568: 1, 2569: 2, 2570: 1}
    months = report_for(organisation)["ita_by_month"].public_value()
    assert months["2025-10"] == 1 and months["2026-09"] == 1


@everything_shown
def test_an_empty_year_has_zeros_and_nothing_to_divide(db):
    values = report_for(org()).as_dict()
    assert set(values) == set(INDICATOR_IDS)
    assert values["cases_received"] == values["ita_total"] == 0
    for key in ("anonymous_rate", "substantiation_rate", "median_days_to_close",
                "substantiated_corruption_change", "distinct_violators_change"):  # fmt: skip
        assert values[key] is None
    assert set(values["channel_mix"].values()) == {0}


@everything_shown
def test_a_previous_year_of_zero_gives_no_change(db):
    organisation = org()
    corruption = category(is_corruption=True)
    register_row(organisation, date(2026, 1, 5), category=corruption, finding=Finding.PARTLY)
    report = report_for(organisation)
    assert report["substantiated_corruption_reports"].value == 1
    assert report["substantiated_corruption_change"].value is None


def test_a_change_is_hidden_when_either_year_is_suppressed(db):
    organisation = org()
    corruption = category(is_corruption=True)
    for day in range(1, 11):
        register_row(organisation, date(2025, 1, day), category=corruption, finding="partly")
    for day in range(1, 4):
        register_row(organisation, date(2026, 1, day), category=corruption, finding="partly")
    report = report_for(organisation)
    assert report["substantiated_corruption_reports"].public_value() == "<5"
    assert report["substantiated_corruption_change"].value is None  # else 3 = 10 x (1 - 0.7)
    for day in range(4, 8):
        register_row(organisation, date(2026, 1, day), category=corruption, finding="partly")
    assert report_for(organisation)["substantiated_corruption_change"].value == pytest.approx(-0.3)


@everything_shown
def test_cross_organisation_medians_leave_out_organisations_with_few_cases(db):
    root = org(headcount=0)
    big = org(root, headcount=100)
    bigger = org(root, headcount=50)
    small = org(root, headcount=1)
    for day in range(1, 11):
        register_row(big, date(2026, 1, day))
        register_row(bigger, date(2026, 1, day))
    register_row(small, date(2026, 1, 1))  # 100 per 100 staff, but only one case
    report = report_for(root)
    assert report["median_org_reports_per_100_staff"].value == (10.0 + 20.0) / 2


@everything_shown
def test_days_to_close_come_from_whole_days_in_the_database(db):
    organisation = org()
    start = at(2025, 11, 1, 9)
    for days in (1, 2, 3, 4, 100):
        closed = start + timedelta(days=days, hours=5)
        live(organisation, start, state=State.CLOSED, closed_at=closed)
    report = report_for(organisation)
    assert report["median_days_to_close"].value == 3.0
    assert report["p90_days_to_close"].value == pytest.approx(4 + 0.6 * 96)


@everything_shown
def test_open_at_a_past_year_end_counts_cases_ended_only_since(db):
    organisation = org()
    received = at(2026, 1, 5)  # over 180 days before the year's end on 30 September 2026
    ended_since = at(2026, 11, 1)
    live(organisation, received, state=State.REJECTED, ended_at=ended_since)
    live(organisation, received, state=State.REFERRED, ended_at=ended_since)
    live(organisation, received, kind=CaseKind.QUESTION, state=State.ANSWERED,
         answered_at=ended_since)  # fmt: skip
    live(organisation, received, state=State.CLOSED, closed_at=ended_since)
    live(organisation, received, state=State.REJECTED, ended_at=at(2026, 2, 1))  # ended in time
    live(organisation, received, state=State.INVESTIGATING)  # still open
    report = report_for(organisation, now=at(2026, 11, 27))
    assert report["open_over_90_days"].value == 5
    assert report["open_over_180_days"].value == 5
    this_year = report_for(organisation, FiscalYear(2570), now=at(2026, 11, 27))
    assert this_year["open_over_180_days"].value == 1  # today only the investigation is open


@everything_shown
def test_reopening_a_case_leaves_a_past_years_figures_as_they_were(db):
    organisation = org()
    received = at(2025, 11, 5)
    live(organisation, received, state=State.INVESTIGATING,
         ended_at=at(2026, 1, 5), reopened_at=at(2026, 11, 1))  # fmt: skip
    live(organisation, received, state=State.CLOSED, closed_at=at(2026, 8, 1))
    past = report_for(organisation, now=at(2026, 11, 27))
    assert past["open_over_180_days"].value == 0  # both had ended by 30 September 2026
    this_year = report_for(organisation, FiscalYear(2570), now=at(2026, 11, 27))
    assert this_year["open_over_180_days"].value == 1  # open again since November
