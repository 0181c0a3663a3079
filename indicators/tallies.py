"""Every indicator's query, defined once over the case facts (indicators.facts) and run over
each source's rows received in a fiscal year: for one filtered set of rows (the raw
computation, indicators.engine) or for each organisation at once (the rollup,
indicators.rollup_build), docs/architecture.md §5.

Every figure is a database aggregate (conditional Count/Sum, GROUP BY) over the rows; no loop
over cases in Python.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from core.lib.fiscal import FiscalYear
from indicators.facts import Fact, Source, when
from indicators.grouping import Key, Tallies, counted, grouped_rows
from indicators.tally import Counted, Histogram, Table, month_key

C = Counted
# Each count: the rows of the year for which all the facts hold.
COUNTED: dict[Counted, tuple[Fact, ...]] = {
    C.CASES: (),
    C.REPORTS: (Fact.REPORT,),
    C.QUESTIONS: (Fact.QUESTION,),
    C.ANONYMOUS_REPORTS: (Fact.REPORT, Fact.ANONYMOUS),
    C.ITA_COMPLETED: (Fact.REPORT, Fact.COMPLETED),
    C.ACKNOWLEDGED_ON_TIME: (Fact.REPORT, Fact.ACKNOWLEDGED_ON_TIME),
    C.ACKNOWLEDGEMENT_DUE: (Fact.REPORT, Fact.ACKNOWLEDGEMENT_DUE),
    C.FEEDBACK_ON_TIME: (Fact.REPORT, Fact.FEEDBACK_ON_TIME),
    C.FEEDBACK_DUE: (Fact.REPORT, Fact.FEEDBACK_DUE),
    C.FEEDBACK_90_ON_TIME: (Fact.REPORT, Fact.FEEDBACK_90_ON_TIME),
    C.FEEDBACK_90_DUE: (Fact.REPORT, Fact.FEEDBACK_90_DUE),
    C.INVESTIGATED: (Fact.REPORT, Fact.INVESTIGATED),
    C.REFERRED: (Fact.REPORT, Fact.REFERRED),
    C.REJECTED: (Fact.REPORT, Fact.REJECTED),
    C.CONCLUDED: (Fact.REPORT, Fact.CONCLUDED),
    C.SUBSTANTIATED: (Fact.REPORT, Fact.SUBSTANTIATED),
    C.CONCLUDED_ANONYMOUS: (Fact.REPORT, Fact.CONCLUDED, Fact.ANONYMOUS),
    C.SUBSTANTIATED_ANONYMOUS: (Fact.REPORT, Fact.SUBSTANTIATED, Fact.ANONYMOUS),
    C.CONCLUDED_NAMED: (Fact.REPORT, Fact.CONCLUDED, Fact.NAMED),
    C.SUBSTANTIATED_NAMED: (Fact.REPORT, Fact.SUBSTANTIATED, Fact.NAMED),
    C.RETALIATION: (Fact.RETALIATION,),
    C.RETALIATION_CONCLUDED: (Fact.RETALIATION, Fact.CONCLUDED),
    C.RETALIATION_SUBSTANTIATED: (Fact.RETALIATION, Fact.SUBSTANTIATED),
    C.SUBSTANTIATED_CORRUPTION: (Fact.REPORT, Fact.SUBSTANTIATED, Fact.CORRUPTION),
    C.RECOVERING: (Fact.RECOVERING,),
    C.QUESTIONS_ON_TIME: (Fact.QUESTION, Fact.ANSWERED_ON_TIME),
    C.QUESTIONS_DUE: (Fact.QUESTION, Fact.ANSWER_DUE),
    C.FOLLOW_UP_MEASURED: (Fact.FOLLOW_UP_MEASURED,),
}
# A correlated subquery per row: counted in a query of its own over the few rows it concerns.
FOLLOWED_UP = (C.ANONYMOUS_FOLLOWED_UP, (Fact.FOLLOW_UP_MEASURED, Fact.FOLLOWED_UP))
# Cases of any year open at the reference moment and received longer ago than this.
OPEN_LONGER_THAN = {
    C.OPEN_OVER_90_DAYS: timedelta(days=90),
    C.OPEN_OVER_180_DAYS: timedelta(days=180),
}
HISTOGRAMS = {  # the days counted, over the rows of the year for which the fact holds
    Histogram.DAYS_TO_CLOSE: (Fact.CLOSED, Fact.DAYS_TO_CLOSE),
    Histogram.REPORTING_LAG: (Fact.INCIDENT_DATED, Fact.REPORTING_LAG),
}
# Prefixed to each count's name in the queries, where the facts' names are taken.
LABEL = "n_"
GROUPED_TABLES = ("kind", "channel", "category__code", "organisation__type")


def received_between(source: Source, start: datetime, end: datetime) -> Q:
    """The rows (of `source`, with their facts) received from `start` and before `end`."""
    return Q(**{f"{Fact.RECEIVED}__gte": source.at(start), f"{Fact.RECEIVED}__lt": source.at(end)})


def year_rows(
    source: Source, rows: QuerySet, fiscal_year: FiscalYear, ref: datetime, *facts: Fact
) -> QuerySet:
    """The rows (of `source`) received in the fiscal year, with their facts (all, or those
    named) as seen at `ref`."""
    annotated = source.facts(rows, ref, only={Fact.RECEIVED, *facts} if facts else ())
    return annotated.filter(received_between(source, fiscal_year.start, fiscal_year.end))


def tallies_count(
    source: Source, rows: QuerySet, fiscal_year: FiscalYear, ref: datetime, *, by_organisation: bool
) -> Tallies:
    """Tally the rows of `rows` (of `source`) received in the fiscal year, as seen at `ref`."""
    by = by_organisation
    annotated = source.facts(rows, ref)
    year = annotated.filter(received_between(source, fiscal_year.start, fiscal_year.end))
    tallies = Tallies()
    aggregates: dict[str, Any] = {
        LABEL + key: Count("pk", filter=when(*facts)) for key, facts in COUNTED.items()
    }
    put_counts(tallies, grouped_rows(
        year, by_organisation=by, **aggregates, amount=Sum("amount_recovered")
    ))  # fmt: skip
    followed_up, facts = FOLLOWED_UP
    if source.records(*facts):
        aggregates = {LABEL + followed_up: Count("pk")}
        put_counts(
            tallies, grouped_rows(year.filter(when(*facts)), by_organisation=by, **aggregates)
        )
    still_open = annotated.filter(when(Fact.OPEN))
    aggregates = {
        LABEL + name: Count("pk", filter=Q(**{f"{Fact.RECEIVED}__lt": source.at(ref - age)}))
        for name, age in OPEN_LONGER_THAN.items()
    }
    put_counts(tallies, grouped_rows(still_open, by_organisation=by, **aggregates))
    _put_common_groups(tallies, year, by_organisation=by)
    reports = year.filter(when(Fact.REPORT))
    month = counted(reports, by_organisation=by, key="cell", expression=F(Fact.RECEIVED_MONTH))
    _put_table(tallies, Table.MONTH, ((key, month_key(value), n) for key, value, n in month))
    if source.records(Fact.ACTION):
        actions = reports.exclude(**{str(Fact.ACTION): ""})
        action = counted(actions, by_organisation=by, key="cell", expression=F(Fact.ACTION))
        _put_table(tallies, Table.ACTION, ((key, str(value), n) for key, value, n in action))
    for name, (fact, days) in HISTOGRAMS.items():
        if not source.records(fact, days):
            continue
        rows_with = year.filter(when(fact))
        for key, value, n in counted(rows_with, by_organisation=by, key="d", expression=F(days)):
            cells = tallies[key].histograms.setdefault(name, {})
            cells[value] = cells.get(value, 0) + n
    for key, ratings in source.ratings(year, by_organisation=by).items():
        tallies[key].ratings.extend(ratings)
    return tallies


def put_counts(tallies: Tallies, rows: Iterator[tuple[Key, dict[str, Any]]]) -> None:
    """Counts (and the recovered amount) from grouped aggregate rows."""
    for key, row in rows:
        tally = tallies[key]
        tally.amount += Decimal(row.pop("amount", 0) or 0)
        for label, value in row.items():
            name = label.removeprefix(LABEL)
            tally.counts[name] = tally.counts.get(name, 0) + int(value or 0)


def _put_table(tallies: Tallies, table: Table, rows: Iterator[tuple[Key, str, int]]) -> None:
    for key, name, n in rows:
        cells = tallies[key].tables.setdefault(table, {})
        cells[name] = cells.get(name, 0) + n


def _put_common_groups(tallies: Tallies, rows: QuerySet, *, by_organisation: bool) -> None:
    """One GROUP BY gives the channel, category, organisation-type and kind breakdowns."""
    grouped = grouped_rows(
        rows, by_organisation=by_organisation, keys=GROUPED_TABLES, n=Count("pk")
    )
    for key, row in grouped:
        tables = tallies[key].tables
        for table, value in (
            (Table.CHANNEL, row["channel"]),
            (Table(f"{row['kind']}_category"), row["category__code"]),
            (Table.ORGANISATION_TYPE, row["organisation__type"]),
        ):
            cells = tables.setdefault(table, {})
            cells[value] = cells.get(value, 0) + row["n"]
    if by_organisation:  # each organisation's own cases are its counts
        for key, tally in tallies.items():
            if key is not None and tally.counts.get(C.CASES):
                tally.per_organisation[key] = {
                    C.CASES: tally.counts[C.CASES],
                    C.REPORTS: tally.counts.get(C.REPORTS, 0),
                }
        return
    per_organisation = rows.values("organisation_id").annotate(
        **{str(C.CASES): Count("pk"), str(C.REPORTS): Count("pk", filter=when(Fact.REPORT))}
    )
    for row in per_organisation:
        tallies[None].per_organisation[row["organisation_id"]] = {
            C.CASES: row[C.CASES],
            C.REPORTS: row[C.REPORTS],
        }
