"""What the indicators are computed for (a Scope) and from (a Tally: additive counts)."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils import timezone

from core.lib.fiscal import FiscalYear
from core.models import Organisation


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    fiscal_year: FiscalYear
    category_id: int | None = None
    channel: str = ""
    organisation_type: str = ""
    now: datetime | None = None  # "today", for the current year's open cases and due dates

    @property
    def reference(self) -> datetime:
        """The moment the figures describe: the year's end, or now for the current year."""
        return min(self.now or timezone.now(), self.fiscal_year.end)

    @property
    def is_filtered(self) -> bool:
        return bool(self.category_id or self.channel or self.organisation_type)

    def previous_year(self) -> "Scope":
        return replace(self, fiscal_year=self.fiscal_year.previous)


class Counted(StrEnum):
    """The additive counts of a Tally: one declared set for the queries that make them
    (indicators.tallies), the rollup rows that keep them and the figures that read them."""

    CASES = "cases"
    REPORTS = "reports"
    QUESTIONS = "questions"
    ANONYMOUS_REPORTS = "anonymous_reports"
    ITA_COMPLETED = "ita_completed"
    ACKNOWLEDGED_ON_TIME = "acknowledged_on_time"
    ACKNOWLEDGEMENT_DUE = "acknowledgement_due"
    FEEDBACK_ON_TIME = "feedback_on_time"
    FEEDBACK_DUE = "feedback_due"
    FEEDBACK_90_ON_TIME = "feedback_90_on_time"
    FEEDBACK_90_DUE = "feedback_90_due"
    INVESTIGATED = "investigated"
    REFERRED = "referred"
    REJECTED = "rejected"
    CONCLUDED = "concluded"
    SUBSTANTIATED = "substantiated"
    CONCLUDED_ANONYMOUS = "concluded_anonymous"
    SUBSTANTIATED_ANONYMOUS = "substantiated_anonymous"
    CONCLUDED_NAMED = "concluded_named"
    SUBSTANTIATED_NAMED = "substantiated_named"
    RETALIATION = "retaliation"
    RETALIATION_CONCLUDED = "retaliation_concluded"
    RETALIATION_SUBSTANTIATED = "retaliation_substantiated"
    SUBSTANTIATED_CORRUPTION = "substantiated_corruption"
    RECOVERING = "recovering"
    QUESTIONS_ON_TIME = "questions_on_time"
    QUESTIONS_DUE = "questions_due"
    FOLLOW_UP_MEASURED = "follow_up_measured"
    ANONYMOUS_FOLLOWED_UP = "anonymous_followed_up"
    OPEN_OVER_90_DAYS = "open_over_90_days"
    OPEN_OVER_180_DAYS = "open_over_180_days"
    HEADCOUNT = "headcount"  # of the whole subtree: set by engine.subtree_figures_add


class Table(StrEnum):
    """The breakdowns of a Tally (cell name -> count)."""

    CHANNEL = "channel"
    REPORT_CATEGORY = "report_category"
    QUESTION_CATEGORY = "question_category"
    ORGANISATION_TYPE = "organisation_type"
    MONTH = "month"
    ACTION = "action"


class Histogram(StrEnum):
    """The day counts of a Tally (days -> how many cases), for quantiles."""

    DAYS_TO_CLOSE = "days_to_close"
    REPORTING_LAG = "reporting_lag"


def month_key(month: Any) -> str:
    """A month's cell name in Table.MONTH ("2025-10"), from a date or datetime in it."""
    return f"{month.year:04d}-{month.month:02d}"


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)  # Counted -> n
    amount: Decimal = Decimal(0)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)  # Table -> cells
    histograms: dict[str, dict[int, int]] = field(default_factory=dict)  # Histogram -> days
    # organisation id -> {"cases": n, "reports": n} for drill-down and cross-organisation medians
    per_organisation: dict[int, dict[str, int]] = field(default_factory=dict)
    distinct_violators: int = 0
    ratings: list[int] = field(default_factory=list)
    faq_entries: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return tally_sum([self, other])


def tally_sum(tallies: Iterable[Tally], *, minus: Iterable[Tally] = ()) -> Tally:
    """The sum of many tallies, added in place: thousands of organisations' rows stay linear.
    `minus` takes tallies away again (a row being replaced), which may leave zeros behind."""
    total = Tally()
    for sign, group in ((1, tallies), (-1, minus)):
        for tally in group:
            _add_into(total.counts, tally.counts, sign)
            total.amount += sign * tally.amount
            for name, table in tally.tables.items():
                _add_into(total.tables.setdefault(name, {}), table, sign)
            for name, histogram in tally.histograms.items():
                _add_into(total.histograms.setdefault(name, {}), histogram, sign)
            for pk, row in tally.per_organisation.items():
                _add_into(total.per_organisation.setdefault(pk, {}), row, sign)
            total.distinct_violators += sign * tally.distinct_violators
            if sign > 0:
                total.ratings.extend(tally.ratings)
            else:
                for rating in tally.ratings:
                    total.ratings.remove(rating)
            total.faq_entries += sign * tally.faq_entries
    return total


def _add_into(total: dict[Any, int], part: dict[Any, int], sign: int = 1) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + sign * value
