"""Building and refreshing the rollup (audit.IndicatorRollup): each organisation's tally per
fiscal year, from the raw computation's queries grouped by organisation (about 40 queries a
year, whatever the number of organisations).

A whole year is rebuilt once a day (`rollup_year_build`), which also moves its reference moment
to now; in between, `rollup_refresh` recomputes only the organisations whose cases changed, as
the audit log tells: every change to a case writes an event naming its organisation in the
same transaction (DESIGN §4).
"""

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from audit.indicators.historical import historical_tallies
from audit.indicators.live import live_tallies
from audit.indicators.rollup import tally_dump
from audit.indicators.tally import Tally, tally_sum
from audit.lib.fiscal import FiscalYear, fiscal_year_of
from audit.models import Action, Event
from audit.models_indicators import HistoricalCase, IndicatorRollup, RollupYear
from cases.models import Case

# The events after which a case's tallied fields may differ. Reading a case or downloading an
# attachment changes nothing counted, so they do not make the organisation's rows stale.
CASE_CHANGES = (
    Action.CASE_CREATED,
    Action.CASE_FILED_BY_STAFF,
    Action.CASE_TRANSITION,
    Action.CASE_PURGED,
    Action.MESSAGE_ADDED,
    Action.RATING_GIVEN,
    Action.RETALIATION_REPORTED,
    Action.IDENTITY_DISCLOSED,
)
# A register import names no organisation (one file may cover many): rebuild everything.
EVERYTHING_CHANGES = (Action.REGISTER_IMPORTED,)


def _last_event_seq() -> int:
    return Event.objects.aggregate(last=Max("seq"))["last"] or 0


def organisation_tallies(
    fiscal_year: FiscalYear, reference: datetime, organisation_ids: Collection[int] | None
) -> dict[int, Tally]:
    """Each organisation's own tally of the year (all organisations when ids is None)."""
    cases = Case.objects.all()
    registers = HistoricalCase.objects.all()
    if organisation_ids is not None:
        cases = cases.filter(organisation_id__in=organisation_ids)
        registers = registers.filter(organisation_id__in=organisation_ids)
    tallies: dict[int | None, Tally] = dict(
        live_tallies(cases, fiscal_year, reference, by_organisation=True)
    )
    if registers.exists():
        for pk, tally in historical_tallies(
            registers, fiscal_year, reference, by_organisation=True
        ).items():
            tallies[pk] = tally_sum([tallies[pk], tally]) if pk in tallies else tally
    return {pk: tally for pk, tally in tallies.items() if pk is not None}


def _rows_replace(year: RollupYear, organisation_ids: Collection[int] | None, now: datetime) -> int:
    fiscal_year = FiscalYear(year.fiscal_year)
    tallies = organisation_tallies(fiscal_year, year.reference, organisation_ids)
    old = IndicatorRollup.objects.filter(fiscal_year=year.fiscal_year)
    if organisation_ids is not None:
        old = old.filter(organisation_id__in=organisation_ids)
    old.delete()
    IndicatorRollup.objects.bulk_create(
        (
            IndicatorRollup(
                organisation_id=pk,
                fiscal_year=year.fiscal_year,
                tally=tally_dump(tally),
                computed=now,
            )
            for pk, tally in tallies.items()
        ),
        batch_size=2000,
    )
    return len(tallies)


def rollup_year_build(*, fiscal_year: FiscalYear, now: datetime | None = None) -> int:
    """Recompute every organisation's row of the year as seen now; returns the rows written."""
    now = now or timezone.now()
    with transaction.atomic():
        seq = _last_event_seq()  # read first: anything after it is left for the next refresh
        year, _ = RollupYear.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year.be,
            defaults={"reference": now, "built": now, "refreshed": now},
        )
        year.reference = min(now, fiscal_year.end)
        written = _rows_replace(year, None, now)
        year.built = year.refreshed = now
        year.event_seq = seq
        year.save()
    return written


def rollup_years() -> list[FiscalYear]:
    """Every fiscal year with a case or a register row, up to the current one."""
    first = [
        Case.objects.aggregate(first=Min("created"))["first"],
        HistoricalCase.objects.aggregate(first=Min("received_date"))["first"],
    ]
    current = fiscal_year_of(timezone.now())
    start = min((fiscal_year_of(moment).be for moment in first if moment), default=current.be)
    return [FiscalYear(be) for be in range(start, current.be + 1)]


def rollup_refresh(*, now: datetime | None = None) -> int:
    """Recompute the rows of organisations whose cases changed since the last refresh, at each
    year's own reference moment; returns how many rows were written."""
    now = now or timezone.now()
    with transaction.atomic():
        years = list(RollupYear.objects.select_for_update().order_by("fiscal_year"))
        if not years:
            return 0
        seq = _last_event_seq()
        since = min(year.event_seq for year in years)
        events = Event.objects.filter(seq__gt=since, seq__lte=seq)
        changed: set[int] | None = set(
            events.filter(action__in=CASE_CHANGES, organisation__isnull=False)
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        if events.filter(action__in=EVERYTHING_CHANGES).exists():
            changed = None
        written = 0
        for year in years:
            if changed != set():
                written += _rows_replace(year, changed, now)
            year.event_seq, year.refreshed = seq, now
        RollupYear.objects.bulk_update(years, ["event_seq", "refreshed"])
    return written
