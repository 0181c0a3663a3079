"""Figures as people read them on the dashboard: formatted values, charts, comparisons."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.lib.dates import local_date
from indicators.definitions import DEFINITIONS, SECTION_TITLES, Kind, Section
from indicators.figures import NOT_AVAILABLE, Figure, Report, Row
from indicators.lib.numbers import decimal_text, rounded
from indicators.lib.suppression import threshold
from indicators.lib.svg import Bar, bar_chart, column_chart


def value_text(figure: Figure | None) -> str:
    if figure is None:
        return NOT_AVAILABLE
    if figure.suppressed:
        return f"<{threshold()}"
    value, kind = figure.value, figure.definition.kind
    if value is None:
        return NOT_AVAILABLE
    if kind == Kind.RATE:
        return decimal_text(value, 1, scale=100) + "%"
    if kind == Kind.CHANGE:
        sign = "+" if rounded(value, 1, scale=100) > 0 else ""
        return sign + decimal_text(value, 1, scale=100) + "%"
    if kind == Kind.MONEY:
        return decimal_text(value, 2, grouping=True)
    if kind in (Kind.DAYS, Kind.NUMBER):
        return decimal_text(value, 1)
    return number_format(value, force_grouping=True)


def target_met(figure: Figure) -> bool | None:
    target, value = figure.definition.target, figure.value
    if target is None or value is None or figure.suppressed:
        return None
    if figure.definition.kind == Kind.CHANGE:
        return value < target
    return value >= target


@dataclass(frozen=True)
class Line:
    figure: Figure
    text: str
    previous_text: str
    target_met: bool | None
    chart: SafeString | None = None
    previous: Figure | None = None

    @property
    def rows(self) -> list[tuple[Row, int | str]]:
        """A table's rows, each beside the same row a year earlier (the same month of the
        fiscal year, for months), as that year published it."""
        before = self.previous.rows if self.previous is not None else ()
        rows = self.figure.rows
        if self.figure.definition.kind == Kind.MONTHS:  # keys differ by year: match by place
            shown = [row.shown for row in before] + [NOT_AVAILABLE] * len(rows)
            return list(zip(rows, shown, strict=False))  # as many as this year's months
        earlier = {row.key: row.shown for row in before}
        return [(row, earlier.get(row.key, NOT_AVAILABLE)) for row in rows]

    @property
    def previous_total(self) -> int | str:
        if self.previous is None or self.previous.total is None:
            return NOT_AVAILABLE
        return self.previous.total


@dataclass(frozen=True)
class Block:
    section: Section
    title: str
    lines: list[Line]


def blocks(report: Report, previous: Report | None) -> list[Block]:
    """The dashboard's sections, each figure with last year's value and its chart."""
    by_section: dict[Section, list[Line]] = {section: [] for section in Section}
    for definition in DEFINITIONS:
        figure = report[definition.id]
        before = previous[definition.id] if previous is not None else None
        by_section[definition.section].append(
            Line(
                figure=figure,
                text=value_text(figure),
                previous_text=value_text(before) if before is not None else "",
                target_met=target_met(figure),
                chart=chart(figure) if figure.is_table else None,
                previous=before,
            )
        )
    return [
        Block(section, str(SECTION_TITLES[section]), lines) for section, lines in by_section.items()
    ]


def chart(figure: Figure) -> SafeString:
    title = str(figure.definition.label)
    if figure.definition.kind == Kind.MONTHS:
        values = [
            "" if not row.available else row.shown if row.suppressed else row.count
            for row in figure.rows
        ]
        return column_chart([row.label for row in figure.rows], values, title)
    bars = [
        Bar(row.label, None if row.suppressed else row.count, str(row.shown)) for row in figure.rows
    ]
    return bar_chart(bars, title)


def legend() -> str:
    return _(
        "<%(limit)s: a count from 1 to %(below)s, hidden. x: hidden so that a small count "
        "elsewhere in the table cannot be worked out. %(dash)s: not available (nothing to count, "
        "or a rate over fewer than %(limit)s cases)."
    ) % {"limit": threshold(), "below": threshold() - 1, "dash": NOT_AVAILABLE}


def freshness_text(report: Report) -> str:
    """Said beside pre-computed figures: what moment they describe (empty for raw figures)."""
    freshness = report.freshness
    if freshness is None:
        return ""
    return _(
        "Pre-computed figures: open cases and deadlines as of %(reference)s, case changes "
        "included up to %(refreshed)s."
    ) % {
        "reference": local_date(freshness.reference, with_time=True),
        "refreshed": local_date(freshness.refreshed, with_time=True),
    }
