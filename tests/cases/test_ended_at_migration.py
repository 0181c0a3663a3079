"""The data migration that stamps Case.ended_at on cases that ended before the field."""

import importlib
from datetime import timedelta

import time_machine
from django.apps import apps

from audit.models import Action
from audit.services import event_record
from cases.models import Case, CaseKind, State
from tests.audit.indicator_fixtures import at, live, org

ended_at_fill = importlib.import_module("cases.migrations.0010_case_ended_at").ended_at_fill


def unstamped(organisation, **fields):
    case = live(organisation, at(2025, 11, 1), **fields)
    Case.objects.filter(pk=case.pk).update(ended_at=None)
    return case


def test_each_ended_case_gets_the_moment_it_ended(db):
    organisation = org()
    day = timedelta(days=1)
    start = at(2025, 11, 1)
    rejected = unstamped(organisation, state=State.REJECTED, feedback_at=start + day)
    with time_machine.travel(start + 9 * day, tick=False):
        event_record(
            action=Action.CASE_TRANSITION,
            organisation=organisation,
            target=rejected,
            details={"transition": "reject", "from": "assessment", "to": "rejected"},
        )
    referred = unstamped(organisation, state=State.REFERRED, feedback_at=start + 4 * day)
    closed = unstamped(organisation, state=State.CLOSED, closed_at=start + 30 * day)
    answered = unstamped(
        organisation, kind=CaseKind.QUESTION, state=State.ANSWERED, answered_at=start + 2 * day
    )
    closed_question = unstamped(
        organisation,
        kind=CaseKind.QUESTION,
        state=State.CLOSED,
        answered_at=start + 3 * day,
        closed_at=start + 20 * day,
    )
    still_open = unstamped(organisation, state=State.INVESTIGATING)

    ended_at_fill(apps, None)

    def ended(case):
        return Case.objects.get(pk=case.pk).ended_at

    assert ended(rejected) == start + 9 * day  # the audit log's transition, not the feedback
    assert ended(referred) == start + 4 * day  # no event: its last feedback
    assert ended(closed) == start + 30 * day
    assert ended(answered) == start + 2 * day
    assert ended(closed_question) == start + 3 * day  # a question ends when it is answered
    assert ended(still_open) is None


def test_the_rollup_built_the_old_way_is_set_aside(db):
    from audit.indicators.rollup_build import rollup_year_build
    from audit.lib.fiscal import FiscalYear
    from audit.models import RollupYear

    rollup_year_build(fiscal_year=FiscalYear(2569))
    assert RollupYear.objects.exists()
    ended_at_fill(apps, None)
    assert not RollupYear.objects.exists()
