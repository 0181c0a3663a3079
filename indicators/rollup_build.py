"""Building and refreshing the rollup (audit.IndicatorRollup): each organisation's tally per
fiscal year, from the raw computation's queries grouped by organisation (about 40 queries a
year, whatever the number of organisations).

A whole year is rebuilt once a day (`rollup_year_build`), which also moves its reference moment
to now; in between, `rollup_refresh` recomputes only the organisations whose cases changed, as
the audit log tells: every change to a case writes an event naming its organisation in the
same transaction (docs/architecture.md §4). A moved organisation is seen by the tree's digest
changing, and
the years are then rebuilt at the next refresh. What neither tells (a category's corruption
flag changed) waits for the nightly rebuild.
"""

import hashlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from audit.models import Action, Event
from cases.models import Case
from core.lib.fiscal import FiscalYear, fiscal_year_of
from core.models import Organisation
from indicators.facts import SOURCES
from indicators.models import HistoricalCase, IndicatorRollup, RollupYear
from indicators.rollup import tally_dump, tally_load
from indicators.tallies import tallies_count
from indicators.tally import Tally, tally_sum

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
CASE_LABEL = Case._meta.label_lower
# A subtree this big gets a row of its own sums: the raw computation of a smaller one takes well
# under 100 ms at national density (bench/RESULTS.md) and is always current.
ROLLUP_FROM_ORGANISATIONS = 50
# A register import names no organisation (one file may cover many): rebuild everything.
EVERYTHING_CHANGES = (Action.REGISTER_IMPORTED,)


def tree_digest() -> str:
    """Which organisation sits where, in one value (7,850 rows read: a few milliseconds)."""
    digest = hashlib.sha256()
    for pk, path in Organisation.objects.order_by("pk").values_list("pk", "path").iterator():
        digest.update(f"{pk}:{path}\n".encode())
    return digest.hexdigest()


def _last_event_seq() -> int:
    return Event.objects.aggregate(last=Max("seq"))["last"] or 0


def organisation_tallies(
    fiscal_year: FiscalYear, reference: datetime, organisation_ids: Collection[int] | None
) -> dict[int, Tally]:
    """Each organisation's own tally of the year (all organisations when ids is None)."""
    parts: dict[int, list[Tally]] = {}
    for source in SOURCES:
        rows = source.rows()
        if organisation_ids is not None:
            rows = rows.filter(organisation_id__in=organisation_ids)
        if not rows.exists():  # most years of most organisations have no register
            continue
        for pk, tally in tallies_count(
            source, rows, fiscal_year, reference, by_organisation=True
        ).items():
            if pk is not None:
                parts.setdefault(pk, []).append(tally)
    return {
        pk: tally_sum(tallies) if len(tallies) > 1 else tallies[0] for pk, tallies in parts.items()
    }


def _own_rows(year: RollupYear, organisation_ids: Collection[int] | None) -> dict[int, Tally]:
    rows = IndicatorRollup.objects.filter(fiscal_year=year.fiscal_year, subtree=False)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    pairs = rows.values_list("organisation_id", "tally").iterator(chunk_size=2000)
    return {pk: tally_load(data) for pk, data in pairs}


def _rows_replace(
    year: RollupYear, organisation_ids: Collection[int] | None, now: datetime
) -> dict[int, Tally]:
    """The organisations' own rows recomputed (all when ids is None); returns them."""
    tallies = organisation_tallies(FiscalYear(year.fiscal_year), year.reference, organisation_ids)
    old = IndicatorRollup.objects.filter(fiscal_year=year.fiscal_year, subtree=False)
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
    return tallies


def _ancestry() -> tuple[dict[int, list[int]], set[int]]:
    """Each organisation's path as ids (itself last), and the organisations big enough for a
    subtree row."""
    chains = {
        pk: [int(part) for part in path.strip("/").split("/") if part]
        for pk, path in Organisation.objects.values_list("pk", "path")
    }
    sizes = Counter(ancestor for chain in chains.values() for ancestor in chain)
    return chains, {pk for pk, size in sizes.items() if size >= ROLLUP_FROM_ORGANISATIONS}


def _by_ancestor(
    tallies: dict[int, Tally], chains: dict[int, list[int]], big: set[int]
) -> dict[int, list[Tally]]:
    parts: dict[int, list[Tally]] = {pk: [] for pk in big}
    for pk, tally in tallies.items():
        for ancestor in chains.get(pk, ()):
            if ancestor in parts:
                parts[ancestor].append(tally)
    return parts


def _subtree_rows_write(year: RollupYear, sums: dict[int, Tally], now: datetime) -> int:
    rows = IndicatorRollup.objects.filter(fiscal_year=year.fiscal_year, subtree=True)
    rows.filter(organisation_id__in=sums).delete()
    IndicatorRollup.objects.bulk_create(
        IndicatorRollup(
            organisation_id=pk,
            fiscal_year=year.fiscal_year,
            subtree=True,
            tally=tally_dump(tally),
            computed=now,
        )
        for pk, tally in sums.items()
    )
    return len(sums)


def _subtree_rows_build(year: RollupYear, now: datetime) -> int:
    """Every big organisation's subtree sum, from all the own rows."""
    chains, big = _ancestry()
    IndicatorRollup.objects.filter(fiscal_year=year.fiscal_year, subtree=True).delete()
    parts = _by_ancestor(_own_rows(year, None), chains, big)
    return _subtree_rows_write(year, {pk: tally_sum(t) for pk, t in parts.items()}, now)


def _subtree_rows_adjust(
    year: RollupYear, before: dict[int, Tally], after: dict[int, Tally], now: datetime
) -> int:
    """The sums above changed organisations, adjusted by what their rows were and are now,
    rather than added up again from thousands of rows."""
    chains, big = _ancestry()
    changed = before.keys() | after.keys()
    big &= {ancestor for pk in changed for ancestor in chains.get(pk, ())}
    current = IndicatorRollup.objects.filter(
        fiscal_year=year.fiscal_year, subtree=True, organisation_id__in=big
    ).values_list("organisation_id", "tally")
    added, removed = _by_ancestor(after, chains, big), _by_ancestor(before, chains, big)
    sums = {
        pk: tally_sum([tally_load(data), *added[pk]], minus=removed[pk]) for pk, data in current
    }
    return _subtree_rows_write(year, sums, now)


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
        written = len(_rows_replace(year, None, now))
        written += _subtree_rows_build(year, now)
        year.built = year.refreshed = now
        year.event_seq = seq
        year.tree = tree_digest()
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


@dataclass(frozen=True)
class Changes:
    organisations: set[int] | None  # None: every organisation
    first_year: int | None  # the oldest changed case's fiscal year; None: every year


def _changes(since: int, until: int) -> Changes:
    """What the audit events after `since` (up to `until`) changed."""
    events = Event.objects.filter(seq__gt=since, seq__lte=until)
    if events.filter(action__in=EVERYTHING_CHANGES).exists():
        return Changes(None, None)
    changes = events.filter(action__in=CASE_CHANGES, organisation__isnull=False)
    organisations = set(changes.values_list("organisation_id", flat=True).distinct())
    # A case counts in its own year and, while open, in later years' open cases: years before
    # the oldest changed case's stay as they are.
    first_year = None
    if organisations and not changes.exclude(object_type=CASE_LABEL).exists():
        ids = {int(pk) for pk in changes.values_list("object_id", flat=True)}
        first = Case.objects.filter(pk__in=ids).aggregate(first=Min("created"))["first"]
        first_year = fiscal_year_of(first).be if first else None
    return Changes(organisations, first_year)


def _year_refresh(year: RollupYear, organisations: set[int] | None, now: datetime) -> int:
    if organisations is None:
        return len(_rows_replace(year, None, now)) + _subtree_rows_build(year, now)
    before = _own_rows(year, organisations)
    after = _rows_replace(year, organisations, now)
    return len(after) + _subtree_rows_adjust(year, before, after, now)


def rollup_refresh(*, now: datetime | None = None) -> int:
    """Recompute the rows of organisations whose cases changed since the last refresh, at each
    year's own reference moment; returns how many rows were written."""
    now = now or timezone.now()
    with transaction.atomic():
        years = list(RollupYear.objects.select_for_update().order_by("fiscal_year"))
        if not years:
            return 0
        seq = _last_event_seq()
        changes = _changes(min(year.event_seq for year in years), seq)
        tree = tree_digest()
        written = 0
        for year in years:
            stale = changes.first_year is None or year.fiscal_year >= changes.first_year
            if year.tree != tree:  # an organisation moved: every subtree sum is suspect
                written += _year_refresh(year, None, now)
            elif changes.organisations != set() and stale:
                written += _year_refresh(year, changes.organisations, now)
            year.event_seq, year.refreshed, year.tree = seq, now, tree
        RollupYear.objects.bulk_update(years, ["event_seq", "refreshed", "tree"])
    return written
