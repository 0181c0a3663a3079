"""Builders for indicator tests: live cases at chosen moments, register rows, small trees."""

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from cases.models import ENDED_STATES, Case, CaseKind, Category, Channel
from cases.recovery import recovery_kit_create
from cases.services import case_create
from core.models import Organisation, OrganisationType
from indicators.models import HistoricalCase
from tests.cases.factories import KIT_PASSPHRASE
from tests.factories import CategoryFactory, OrganisationFactory

BKK = ZoneInfo("Asia/Bangkok")
_refs = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=BKK)


def org(parent: Organisation | None = None, **kwargs) -> Organisation:
    organisation = OrganisationFactory(parent=parent, **kwargs)
    recovery_kit_create(organisation=organisation, passphrase=KIT_PASSPHRASE)
    return organisation


def category(kind: str = CaseKind.REPORT, **kwargs) -> Category:
    return CategoryFactory(kind=kind, **kwargs)


def live(
    organisation: Organisation,
    when: datetime,
    *,
    kind: str = CaseKind.REPORT,
    category: Category | None = None,
    channel: str = Channel.WEB,
    **fields,
) -> Case:
    """A case received at `when`; its metadata then set straight in the database."""
    if category is None:
        category = CategoryFactory(kind=kind)
    with time_machine.travel(when, tick=False):
        new = case_create(
            kind=kind,
            organisation=organisation,
            category=category,
            channel=channel,
            title="t",
            body={"what": "x"},
        )
    if fields:
        Case.objects.filter(pk=new.case.pk).update(**with_ended_at(fields, when))
    return Case.objects.get(pk=new.case.pk)


def with_ended_at(fields: dict, received: datetime) -> dict:
    """The fields, with the ended_at the workflow would have stamped when they set an ended
    state: the closing or answer when given, else `received` (a case taken out at once)."""
    if "state" not in fields or "ended_at" in fields or fields["state"] not in ENDED_STATES:
        return fields
    ended = fields.get("answered_at") or fields.get("closed_at") or received
    return fields | {"ended_at": ended}


def register_row(
    organisation: Organisation,
    received: date,
    *,
    kind: str = CaseKind.REPORT,
    category: Category | None = None,
    **fields,
) -> HistoricalCase:
    return HistoricalCase.objects.create(
        organisation=organisation,
        external_ref=f"H-{next(_refs)}",
        kind=kind,
        category=category or CategoryFactory(kind=kind),
        channel=fields.pop("channel", Channel.WEB),
        received_date=received,
        **fields,
    )


TYPES = OrganisationType
