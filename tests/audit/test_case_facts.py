"""One source of case facts (indicators.facts): live cases and register rows are one row shape,
every count of a Tally is made by one query definition (indicators.tallies), and a live case and
a register row recording the same facts count the same."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from cases.models import ENDED_STATES, Case, CaseKind, Channel, Finding, ReferralTarget, State
from core.lib.fiscal import FiscalYear
from indicators.facts import COMPLETED, LIVE, REGISTER, SOURCES, Fact
from indicators.models import REJECTED, HistoricalCase
from indicators.tallies import COUNTED, FOLLOWED_UP, HISTOGRAMS, OPEN_LONGER_THAN, tallies_count
from indicators.tally import Counted, Tally
from tests.audit.indicator_fixtures import BKK, at, category, live, org, register_row

FY = FiscalYear(2569)
REF = at(2026, 10, 15)


def test_every_source_is_annotated_with_every_fact(db):
    for source in SOURCES:
        annotated = source.facts(source.rows(), timezone.now())
        assert set(annotated.query.annotations) == {str(fact) for fact in Fact}
        assert source.unrecorded < set(Fact)


def test_every_count_has_one_query_definition():
    defined = [*COUNTED, FOLLOWED_UP[0], *OPEN_LONGER_THAN, Counted.HEADCOUNT]
    assert sorted(defined) == sorted(Counted)  # each once, none left without a query
    assert all(fact in Fact for _, facts in HISTOGRAMS.items() for fact in facts)


def test_completed_reports_are_the_ended_states():
    assert set(COMPLETED) == set(ENDED_STATES)


def _tally(source, organisation) -> Tally:
    rows = source.rows().filter(organisation=organisation)
    return tallies_count(source, rows, FY, REF, by_organisation=False)[None]


def _comparable(tally: Tally) -> dict:
    """The tally of what both sources record (registers record no feedback, answers,
    follow-up or ratings)."""
    both = {name for name, facts in COUNTED.items() if REGISTER.records(*facts)}
    both |= set(OPEN_LONGER_THAN)
    return {
        "counts": {name: n for name, n in tally.counts.items() if n and name in both},
        "amount": tally.amount,
        "tables": {name: cells for name, cells in tally.tables.items() if cells},
        "histograms": {name: cells for name, cells in tally.histograms.items() if cells},
    }


def test_a_live_case_and_a_register_row_with_the_same_facts_count_the_same(db):
    """The facts both sources record, recorded alike on each (received at midnight, so a day
    and a moment say the same), give equal tallies: the indicators see one row shape."""
    live_org, register_org = org(), org()
    corruption = category(is_corruption=True, code="corruption")
    received = date(2025, 11, 3)
    midnight = at(2025, 11, 3, 0)
    common = {"is_anonymous": False, "amount_recovered": Decimal("250.50")}
    live(
        live_org, midnight, category=corruption, channel=Channel.PHONE, state=State.CLOSED,
        acknowledged_at=at(2025, 11, 9, 0), finding=Finding.SUBSTANTIATED,
        closed_at=at(2025, 12, 13, 0), **common,
    )  # fmt: skip
    register_row(
        register_org, received, category=corruption, channel=Channel.PHONE,
        acknowledged_date=date(2025, 11, 9), finding=Finding.SUBSTANTIATED,
        closed_date=date(2025, 12, 13), **common,
    )  # fmt: skip
    live(live_org, at(2026, 2, 1, 0), state=State.REFERRED, is_retaliation=True)
    register_row(register_org, date(2026, 2, 1), referred_to=ReferralTarget.NACC,
                 is_retaliation=True)  # fmt: skip
    live(live_org, at(2026, 3, 1, 0), state=State.REJECTED)
    register_row(register_org, date(2026, 3, 1), finding=REJECTED)
    live(live_org, at(2026, 4, 1, 0), kind=CaseKind.QUESTION)  # open at the year's end
    register_row(register_org, date(2026, 4, 1), kind=CaseKind.QUESTION)
    # The builders make a category per row unless given one: the same one for all rows.
    HistoricalCase.objects.filter(organisation=register_org).update(category=corruption)
    Case.objects.filter(organisation=live_org).update(category=corruption)
    from_live, from_register = _tally(LIVE, live_org), _tally(REGISTER, register_org)
    assert _comparable(from_live) == _comparable(from_register)
    assert from_register.counts[Counted.ITA_COMPLETED] == 3
    assert from_register.counts[Counted.OPEN_OVER_180_DAYS] == 1
    assert from_register.histograms["days_to_close"] == {40: 1}


def test_a_register_row_counts_on_its_bangkok_day():
    """A register's dates are Bangkok days: a moment is compared at that resolution."""
    late_evening_utc = at(2025, 10, 1, 0).astimezone(BKK) - timedelta(minutes=1)
    assert REGISTER.at(late_evening_utc) == date(2025, 9, 30)
    assert LIVE.at(late_evening_utc) == late_evening_utc
