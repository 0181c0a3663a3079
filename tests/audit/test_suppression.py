"""Small counts: suppressed, and never recoverable from the other cells and the total."""

import itertools

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Channel
from core.lib.fiscal import FiscalYear
from indicators.display import chart
from indicators.engine import Scope
from indicators.figures import indicators_report
from indicators.lib.suppression import (
    HIDDEN,
    SMALL,
    count_suppress,
    rate,
    table_suppress,
    threshold,
)
from tests.audit.indicator_fixtures import at, category, org, register_row

LIMIT = 5


def candidates(shown: dict, marks: dict, total: int) -> dict[str, set[int]]:
    """Brute force: every value each suppressed cell could take, given what is published
    ("<5" = 0..4, "x" = any count, the rest exact, and the total)."""
    hidden = [key for key in marks if marks[key]]
    rest = total - sum(shown.values())
    ranges = [range(LIMIT) if marks[key] == SMALL else range(rest + 1) for key in hidden]
    possible: dict[str, set[int]] = {key: set() for key in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            for key, value in zip(hidden, values, strict=True):
                possible[key].add(value)
    return possible


def publish(cells: dict[str, int]):
    result = table_suppress(cells, LIMIT)
    shown = {k: c.count for k, c in result.items() if not c.suppressed}
    marks = {k: c.mark for k, c in result.items()}
    return result, shown, marks


@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=5))
@settings(max_examples=400, deadline=None)
def test_no_suppressed_cell_can_be_recomputed(counts):
    cells = {f"c{i}": n for i, n in enumerate(counts)}
    result, shown, marks = publish(cells)
    total = sum(counts)
    for cell in result.values():
        if 0 < cell.count < LIMIT:
            assert cell.suppressed, "every count from 1 to 4 is suppressed"
        if cell.mark == SMALL:
            assert cell.count < LIMIT, '"<5" is never a lie'
    for key, values in candidates(shown, marks, total).items():
        assert cells[key] in values
        assert len(values) >= 2, f"{key} is recoverable from {shown} and total {total}"


@pytest.mark.parametrize(
    ("cells", "suppressed"),
    [
        ({"a": 3, "b": 10, "c": 20}, {"a", "b"}),  # one small cell: the next smallest goes too
        ({"a": 3, "b": 0, "c": 20}, {"a", "b"}),  # a zero cell is the cheaper partner
        ({"a": 4, "b": 4, "c": 20}, {"a", "b", "c"}),  # 4 + 4 = 8 would give both away
        ({"a": 2, "b": 3, "c": 20}, {"a", "b"}),  # 2 + 3 = 5 could be 1 + 4, 2 + 3, ...
        ({"a": 5, "b": 10}, set()),
        ({"a": 0, "b": 3}, {"a", "b"}),  # a total under 5: every cell is "<5"
    ],
)
def test_it_suppresses_small_cells_and_their_partners(cells, suppressed):
    result = table_suppress(cells, LIMIT)
    assert {key for key, cell in result.items() if cell.suppressed} == suppressed


def test_secondary_cells_over_the_threshold_are_marked_x_not_less_than_five():
    result = table_suppress({"a": 3, "b": 10, "c": 20}, LIMIT)
    assert (result["a"].mark, result["b"].mark) == (SMALL, HIDDEN)
    assert [result[k].shown(LIMIT) for k in "abc"] == ["<5", "x", 20]


def test_a_count_alone_and_rates():
    assert count_suppress(4, LIMIT).shown(LIMIT) == "<5"
    assert count_suppress(0, LIMIT).shown(LIMIT) == 0
    assert count_suppress(5, LIMIT).shown(LIMIT) == 5
    assert rate(3, 4, LIMIT) is None
    assert rate(3, 5, LIMIT) == 0.6


def test_the_threshold_is_a_setting(settings):
    assert threshold() == 5
    settings.HOTLINE_SUPPRESSION_THRESHOLD = 10
    assert threshold() == 10


def test_published_tables_and_rates_are_suppressed_but_ita_totals_are_not(db):
    organisation = org()
    reports = category()
    for day in range(1, 4):
        register_row(organisation, at(2026, 1, day).date(), category=reports,
                     channel=Channel.PHONE, is_anonymous=False)  # fmt: skip
    for day in range(1, 11):
        register_row(organisation, at(2026, 2, day).date(), category=reports)
    scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 9))
    report, _ = indicators_report(scope)
    values = report.as_dict()
    assert values["ita_total"] == 13
    # The ITA totals are published as they are; the months are a breakdown like any other.
    assert values["ita_by_month"]["2026-01"] == "<5"
    assert values["ita_by_month"]["2026-02"] == 10
    assert list(values["ita_by_month"].values()).count("<5") == 2  # a zero month protects it
    columns = chart(report["ita_by_month"])
    assert columns.count("<rect") == 12 and columns.count(">&lt;5<") == 2
    assert 'height="0"' in columns and ">3<" not in columns  # no column for January's 3
    assert values["channel_mix"]["phone"] == "<5"
    assert values["channel_mix"]["web"] == 10  # the zero cells protect the phone count
    assert values["anonymous_rate"] == round(10 / 13, 4)
    with override_settings(HOTLINE_SUPPRESSION_THRESHOLD=20):
        report, _ = indicators_report(scope)
        assert report["anonymous_rate"].value is None  # over fewer than 20 cases
        assert report["channel_mix"].public_value()["web"] == "<20"
