"""From tallies to published figures: rates, quantiles, changes, tables, and suppression.

Everything a person or a file sees goes through here, so the dashboard, the exports and the
`indicators` command show the same figures with the same cells suppressed.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from cases.models import ActionType, CaseKind, Category, Channel
from core.lib.dates import local_date
from core.lib.fiscal import BANGKOK
from core.models import Organisation, OrganisationType
from indicators.definitions import BY_ID, DEFINITIONS, Definition, Kind
from indicators.engine import Scope, Tally, year_tally
from indicators.lib.histograms import histogram_quantile, median
from indicators.lib.numbers import decimal_text
from indicators.lib.suppression import (
    CROSS_ORGANISATION_MINIMUM,
    Cell,
    change,
    count_suppress,
    rate,
    table_suppress,
    threshold,
)
from indicators.rollup import Freshness, rollup_read
from indicators.tally import Counted, Histogram, Table, month_key

NOT_AVAILABLE = "\u2013"  # an en dash


def suppressed_mark() -> str:
    return f"<{threshold()}"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int  # the true count: never published when suppressed
    cell: Cell
    share: float | None  # of the table's total; None when suppressed
    available: bool = True  # False for a month that has not begun: nothing to count yet

    @property
    def suppressed(self) -> bool:
        return self.cell.suppressed

    @property
    def shown(self) -> int | str:
        return self.cell.shown(threshold()) if self.available else NOT_AVAILABLE

    @property
    def published(self) -> int | str | None:
        """The cell as files carry it: None (an empty cell) when there is nothing to count."""
        return self.cell.shown(threshold()) if self.available else None

    @property
    def share_text(self) -> str:
        return "" if self.share is None else decimal_text(self.share, 1, scale=100) + "%"


@dataclass(frozen=True)
class Figure:
    definition: Definition
    value: int | float | Decimal | None = None  # None: not available or not shown
    suppressed: bool = False
    rows: tuple[Row, ...] = ()
    total: int | None = None  # tables: the published total

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def is_table(self) -> bool:
        return self.definition.kind in (Kind.TABLE, Kind.MONTHS)

    def public_value(self) -> Any:
        """The figure as published (JSON, CSV): suppressed counts as "<5"."""
        if self.is_table:
            return {row.key: row.published for row in self.rows}
        if self.suppressed:
            return suppressed_mark()
        if isinstance(self.value, float):
            return round(self.value, 4)
        if isinstance(self.value, Decimal):
            return str(self.value.quantize(Decimal("0.01")))
        return self.value


@dataclass
class Report:
    scope: Scope
    figures: dict[str, Figure] = field(default_factory=dict)
    children: list["ChildRow"] = field(default_factory=list)
    freshness: Freshness | None = None  # set when the figures come from the rollup

    def __getitem__(self, indicator_id: str) -> Figure:
        return self.figures[indicator_id]

    def as_dict(self) -> dict[str, Any]:
        return {key: figure.public_value() for key, figure in self.figures.items()}


@dataclass(frozen=True)
class ChildRow:
    organisation: Organisation
    cases: Cell
    reports: Cell
    reports_per_100_staff: float | None

    @property
    def cases_text(self) -> int | str:
        return self.cases.shown(threshold())

    @property
    def reports_text(self) -> int | str:
        return self.reports.shown(threshold())

    @property
    def per_staff_text(self) -> str:
        per_staff = self.reports_per_100_staff
        return NOT_AVAILABLE if per_staff is None else decimal_text(per_staff, 1)


def _table(
    definition: Definition,
    cells: dict[str, int],
    labels: dict[str, str],
    limit: int,
    *,
    unavailable: Collection[str] = (),
) -> Figure:
    """A table with its small cells suppressed. The `unavailable` cells (months not begun)
    are left out of the suppression: a reader knows they are empty, so hiding them could not
    protect another cell."""
    total = sum(cells.values())
    suppressed = table_suppress({k: n for k, n in cells.items() if k not in unavailable}, limit)

    def row(key: str, count: int) -> Row:
        cell = suppressed.get(key)
        shared = cell is not None and not cell.suppressed and total > 0
        return Row(
            key=key,
            label=labels.get(key, key),
            count=count,
            cell=cell or Cell(count),
            share=count / total if shared else None,
            available=cell is not None,
        )

    rows = tuple(row(key, count) for key, count in cells.items())
    return Figure(definition, value=total, rows=rows, total=total)


def _category_labels(kind: str) -> dict[str, str]:
    return {c.code: c.label for c in Category.objects.filter(kind=kind)}


def _category_cells(tally: Tally, kind: str, scope: Scope) -> dict[str, int]:
    counts = tally.tables.get(Table(f"{kind}_category"), {})
    active = Category.objects.filter(kind=kind, is_active=True)
    if scope.category_id:
        active = active.filter(pk=scope.category_id)
    cells = dict.fromkeys(active.values_list("code", flat=True), 0)
    return cells | counts


def _month_labels(scope: Scope) -> dict[str, str]:
    return {month_key(m): _month_label(m) for m in scope.fiscal_year.months()}


def _months_not_begun(scope: Scope, cells: dict[str, int]) -> set[str]:
    """The months of the year after the moment the figures describe, with nothing in them (a
    register row dated in the future still counts where it is)."""
    begun = scope.reference
    return {
        key
        for key, month in zip(_month_labels(scope), scope.fiscal_year.months(), strict=True)
        if datetime.combine(month, time.min, tzinfo=BANGKOK) >= begun and not cells.get(key)
    }


def _month_label(month: date) -> str:
    return local_date(month).split(" ", 1)[1]  # "ตุลาคม 2568" / "October 2025"


def report_build(
    scope: Scope, tally: Tally, previous: Tally | None, *, children: bool = True
) -> Report:
    """Apply the definitions and the suppression rules to a year's tally."""
    limit = threshold()
    C = Counted

    def c(key: Counted) -> int:
        return tally.counts.get(key, 0)

    figures: dict[str, Figure] = {}

    def put(indicator_id: str, **kwargs: Any) -> None:
        figures[indicator_id] = Figure(BY_ID[indicator_id], **kwargs)

    def count(indicator_id: str, value: int) -> None:
        cell = count_suppress(value, limit)
        put(indicator_id, value=value, suppressed=cell.suppressed)

    def share(indicator_id: str, numerator: Counted, denominator: Counted) -> None:
        put(indicator_id, value=rate(c(numerator), c(denominator), limit))

    for key in (C.CASES, C.REPORTS, C.QUESTIONS):
        put(f"{key}_received", value=c(key))
    headcount = c(C.HEADCOUNT)
    put("reports_per_100_staff", value=c(C.REPORTS) * 100 / headcount if headcount else None)
    put("median_org_reports_per_100_staff", value=_cross_organisation_median(scope, tally))
    put("ita_total", value=c(C.REPORTS))
    put("ita_completed", value=c(C.ITA_COMPLETED))
    put("ita_in_progress", value=c(C.REPORTS) - c(C.ITA_COMPLETED))
    tables: dict[str, tuple[dict[str, int], dict[str, str]]] = {
        "channel_mix": (
            dict.fromkeys(Channel.values, 0) | tally.tables.get(Table.CHANNEL, {}),
            {k: str(v) for k, v in Channel.choices},
        ),
        "cases_by_organisation_type": (
            dict.fromkeys(OrganisationType.values, 0)
            | tally.tables.get(Table.ORGANISATION_TYPE, {}),
            {k: str(v) for k, v in OrganisationType.choices},
        ),
        "category_mix": (
            _category_cells(tally, CaseKind.REPORT, scope),
            _category_labels(CaseKind.REPORT),
        ),
        "questions_by_topic": (
            _category_cells(tally, CaseKind.QUESTION, scope),
            _category_labels(CaseKind.QUESTION),
        ),
        "ita_by_month": (
            dict.fromkeys(_month_labels(scope), 0) | tally.tables.get(Table.MONTH, {}),
            _month_labels(scope),
        ),
        "triage_outcomes": (
            {"investigated": c(C.INVESTIGATED), "referred": c(C.REFERRED),
             "rejected": c(C.REJECTED)},
            {"investigated": _("Investigated"), "referred": _("Referred"),
             "rejected": _("Not taken up")},
        ),
        "actions_taken": (
            dict.fromkeys(ActionType.values, 0) | tally.tables.get(Table.ACTION, {}),
            {k: str(v) for k, v in ActionType.choices},
        ),
    }  # fmt: skip
    not_begun = _months_not_begun(scope, tables["ita_by_month"][0])
    for indicator_id, (cells, labels) in tables.items():
        unavailable = not_begun if indicator_id == "ita_by_month" else set()
        figures[indicator_id] = _table(
            BY_ID[indicator_id], cells, labels, limit, unavailable=unavailable
        )

    share("anonymous_rate", C.ANONYMOUS_REPORTS, C.REPORTS)
    share("anonymous_follow_up_rate", C.ANONYMOUS_FOLLOWED_UP, C.FOLLOW_UP_MEASURED)
    share("acknowledged_within_7_days_rate", C.ACKNOWLEDGED_ON_TIME, C.ACKNOWLEDGEMENT_DUE)
    share("feedback_within_deadline_rate", C.FEEDBACK_ON_TIME, C.FEEDBACK_DUE)
    share("feedback_within_90_days_rate", C.FEEDBACK_90_ON_TIME, C.FEEDBACK_90_DUE)
    closing = tally.histograms.get(Histogram.DAYS_TO_CLOSE, {})
    enough = sum(closing.values()) >= limit
    put("median_days_to_close", value=histogram_quantile(closing, 0.5) if enough else None)
    put("p90_days_to_close", value=histogram_quantile(closing, 0.9) if enough else None)
    for key in (C.OPEN_OVER_90_DAYS, C.OPEN_OVER_180_DAYS):
        count(key, c(key))
    share("substantiation_rate", C.SUBSTANTIATED, C.CONCLUDED)
    share("substantiation_rate_anonymous", C.SUBSTANTIATED_ANONYMOUS, C.CONCLUDED_ANONYMOUS)
    share("substantiation_rate_named", C.SUBSTANTIATED_NAMED, C.CONCLUDED_NAMED)
    count("retaliation_reports", c(C.RETALIATION))
    share("retaliation_substantiation_rate", C.RETALIATION_SUBSTANTIATED, C.RETALIATION_CONCLUDED)
    put("amount_recovered", value=tally.amount if c(C.RECOVERING) >= limit else None)
    _with_change(
        figures,
        "substantiated_corruption",
        c(C.SUBSTANTIATED_CORRUPTION),
        previous.counts.get(C.SUBSTANTIATED_CORRUPTION, 0) if previous else None,
        limit,
    )
    _with_change(figures, "distinct_violators", tally.distinct_violators,
                 previous.distinct_violators if previous else None, limit)  # fmt: skip
    lag = tally.histograms.get(Histogram.REPORTING_LAG, {})
    put(
        "median_reporting_lag_days",
        value=histogram_quantile(lag, 0.5) if sum(lag.values()) >= limit else None,
    )
    share("questions_answered_on_time_rate", C.QUESTIONS_ON_TIME, C.QUESTIONS_DUE)
    ratings = tally.ratings
    put("satisfaction_rate", value=rate(sum(1 for r in ratings if r >= 4), len(ratings), limit))
    put("faq_entries_published", value=tally.faq_entries)
    report = Report(scope=scope)
    report.figures = {d.id: figures[d.id] for d in DEFINITIONS}
    report.children = _children(scope, tally, limit) if children else []
    return report


def _with_change(
    figures: dict[str, Figure], name: str, current: int, previous: int | None, limit: int
) -> None:
    ids = {
        "substantiated_corruption": ("substantiated_corruption_reports",
                                     "substantiated_corruption_change"),
        "distinct_violators": ("distinct_violators", "distinct_violators_change"),
    }[name]  # fmt: skip
    now = count_suppress(current, limit)
    figures[ids[0]] = Figure(BY_ID[ids[0]], value=current, suppressed=now.suppressed)
    # A change against a shown previous figure would give a suppressed count away, and the
    # other way round: both must be publishable.
    hidden = previous is None or now.suppressed or count_suppress(previous, limit).suppressed
    value = None if hidden else change(current, previous or 0)
    figures[ids[1]] = Figure(BY_ID[ids[1]], value=value)


def _cross_organisation_median(scope: Scope, tally: Tally) -> float | None:
    eligible = {
        pk: row for pk, row in tally.per_organisation.items()
        if row.get(Counted.CASES, 0) >= CROSS_ORGANISATION_MINIMUM
    }  # fmt: skip
    if not eligible:
        return None
    # The subtree by its path rather than thousands of ids in an IN list (slow to send).
    subtree = Organisation.objects.subtree_of(scope.organisation).filter(headcount__gt=0)
    headcounts = {pk: n for pk, n in subtree.values_list("pk", "headcount") if pk in eligible}
    return median(
        eligible[pk][Counted.REPORTS] * 100 / headcount for pk, headcount in headcounts.items()
    )


def _children(scope: Scope, tally: Tally, limit: int) -> list[ChildRow]:
    """The direct children, each with its subtree's figures, for drilling down."""
    children = list(Organisation.objects.filter(parent=scope.organisation).order_by("code"))
    if not children:
        return []
    subtree = Organisation.objects.subtree_of(scope.organisation).exclude(pk=scope.organisation.pk)
    totals = {child.pk: {"cases": 0, "reports": 0, "headcount": 0} for child in children}
    prefix = len(scope.organisation.path)
    for pk, path, headcount in subtree.values_list("pk", "path", "headcount"):
        # "/1/4/9/" below "/1/": the child is the first id after the parent's path
        bucket = totals.get(int(path[prefix:].split("/", 1)[0]))
        if bucket is None:
            continue
        row = tally.per_organisation.get(pk)
        if row:
            bucket["cases"] += row.get(Counted.CASES, 0)
            bucket["reports"] += row.get(Counted.REPORTS, 0)
        bucket["headcount"] += headcount
    cases = table_suppress({pk: t["cases"] for pk, t in totals.items()}, limit)
    reports = table_suppress({pk: t["reports"] for pk, t in totals.items()}, limit)
    rows = []
    for child in children:
        t = totals[child.pk]
        per_staff = (
            t["reports"] * 100 / t["headcount"]
            if t["headcount"] and not reports[child.pk].suppressed
            else None
        )
        rows.append(ChildRow(child, cases[child.pk], reports[child.pk], per_staff))
    return rows


def tally_for(scope: Scope, *, rollup: bool = True) -> tuple[Tally, Freshness | None]:
    """The scope's tally: from the rollup for a big subtree when one is built, else raw."""
    rolled = rollup_read(scope) if rollup else None
    return rolled if rolled is not None else (year_tally(scope), None)


def indicators_report(
    scope: Scope, *, compare: bool = False, rollup: bool = True
) -> tuple[Report, Report | None]:
    """The year's report and, with `compare`, the previous year's for side-by-side columns.
    `rollup=False` forces the raw computation (the reference)."""
    current, freshness = tally_for(scope, rollup=rollup)
    previous, _ = tally_for(scope.previous_year(), rollup=rollup)
    report = report_build(scope, current, previous)
    report.freshness = freshness
    before = (
        report_build(scope.previous_year(), previous, None, children=False) if compare else None
    )
    return report, before
