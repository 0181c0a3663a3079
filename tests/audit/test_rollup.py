"""The indicators' rollup against the raw computation (the reference), after random sequences of
case changes; its refresh; and the dashboard reading it."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit.models import Action
from audit.services import event_record
from cases.models import (
    ActionType,
    AuthorSide,
    Case,
    CaseKind,
    Finding,
    Message,
    Rating,
    ReferralTarget,
    State,
    SubjectPseudonym,
    Visibility,
)
from core.lib.fiscal import FiscalYear
from core.models import Organisation, Role
from indicators import rollup_build
from indicators.engine import Scope, Tally, subtree_figures_add, year_tally
from indicators.figures import indicators_report, report_build
from indicators.models import IndicatorRollup, RollupYear
from indicators.rollup import rollup_read, tally_load
from indicators.rollup_build import rollup_refresh, rollup_year_build
from indicators.tasks import indicators_rollup_rebuild_task, indicators_rollup_refresh_task
from tests.audit.indicator_fixtures import (
    BKK,
    TYPES,
    at,
    category,
    live,
    org,
    register_row,
    with_ended_at,
)
from tests.conftest import signed_in_client

YEARS = (FiscalYear(2568), FiscalYear(2569))
NOW = at(2026, 3, 1, 9)  # within FY 2569: its open cases and due dates depend on it
BOUNDARY = at(2025, 10, 1, 0)  # FY 2568 ends, FY 2569 begins
everything_shown = override_settings(HOTLINE_SUPPRESSION_THRESHOLD=1)


@pytest.fixture
def tree(db):
    """Root > A > A1, A2; root > B (an organisation with cases of its own at every level)."""
    root = org(headcount=500, type=TYPES.PROVINCE, code="ROOT")
    a = org(root, headcount=100, type=TYPES.DISTRICT, code="A")
    b = org(root, headcount=80, type=TYPES.MUNICIPALITY, code="B")
    a1 = org(a, headcount=40, type=TYPES.SAO, code="A1")
    a2 = org(a, headcount=30, type=TYPES.SAO, code="A2")
    return {
        "organisations": [root, a, b, a1, a2],
        "report": category(code="bribery", is_corruption=True),
        "ethics": category(code="ethics"),
        "question": category(CaseKind.QUESTION, code="law"),
    }


def _outcome(case: Case, name: str) -> None:
    """Set what the workflow would have set, and write the event it writes."""
    day = timedelta(days=1)
    created = case.created
    fields: dict = {
        "acknowledged": {"state": State.ACKNOWLEDGED, "acknowledged_at": created + 2 * day},
        "investigating": {
            "state": State.INVESTIGATING, "acknowledged_at": created + 9 * day,
            "feedback_at": created + 30 * day,
        },
        "substantiated": {
            "state": State.CLOSED, "finding": Finding.SUBSTANTIATED,
            "acknowledged_at": created + day, "feedback_at": created + 20 * day,
            "closed_at": created + 45 * day, "action_type": ActionType.DISCIPLINARY,
            "amount_recovered": Decimal("1500.50"),
        },
        "unsubstantiated": {
            "state": State.CLOSED, "finding": Finding.UNSUBSTANTIATED,
            "feedback_at": created + 100 * day, "closed_at": created + 120 * day,
        },
        "rejected": {"state": State.REJECTED, "rejection_reason": "insufficient"},
        "referred": {"state": State.REFERRED, "referral_target": ReferralTarget.NACC},
        "answered": {"state": State.ANSWERED, "answered_at": created + 3 * day},
        "reopened": {
            "state": State.ASSESSMENT, "closed_at": None, "finding": "",
            "reopened_at": created + 150 * day,  # after any end the other outcomes stamp
        },
    }[name]  # fmt: skip
    Case.objects.filter(pk=case.pk).update(**with_ended_at(fields, created + 60 * day))
    if name == "substantiated":
        SubjectPseudonym.objects.get_or_create(case=case, pseudonym=f"p{case.pk % 3}")
    event_record(action=Action.CASE_TRANSITION, organisation=case.organisation, target=case)


def _follow_up(case: Case) -> None:
    message = Message.objects.create(
        case=case, author_side=AuthorSide.REPORTER, visibility=Visibility.SHARED, body_ct=b"x"
    )
    Message.objects.filter(pk=message.pk).update(created=case.created + timedelta(days=3))
    event_record(action=Action.MESSAGE_ADDED, organisation=case.organisation, target=case)


def _rate(case: Case, score: int) -> None:
    if not Rating.objects.filter(case=case).exists():
        Rating.objects.create(case=case, score=score)
        event_record(action=Action.RATING_GIVEN, organisation=case.organisation, target=case)


OUTCOMES = ("acknowledged", "investigating", "substantiated", "unsubstantiated", "rejected",
            "referred", "answered", "reopened")  # fmt: skip
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("receive"),
            st.integers(0, 4),  # which organisation
            st.integers(-200, 200),  # days from the fiscal-year boundary
            st.sampled_from(["report", "ethics", "question"]),
            st.booleans(),  # anonymous
        ),
        st.tuples(st.just("outcome"), st.integers(0, 40), st.sampled_from(OUTCOMES)),
        st.tuples(st.just("follow_up"), st.integers(0, 40)),
        st.tuples(st.just("rate"), st.integers(0, 40), st.integers(1, 5)),
        st.tuples(
            st.just("register"),
            st.integers(0, 4),
            st.integers(-200, 200),
            st.sampled_from(["", *Finding.values, "rejected"]),
        ),
        st.tuples(st.just("refresh")),
    ),
    max_size=14,
)


def _apply(tree: dict, operation: tuple) -> None:
    organisations, cases = tree["organisations"], list(Case.objects.order_by("pk"))
    name = operation[0]
    if name == "receive":
        _, which, days, kind, anonymous = operation
        live(
            organisations[which],
            BOUNDARY + timedelta(days=days, hours=7),
            kind=CaseKind.QUESTION if kind == "question" else CaseKind.REPORT,
            category=tree[kind],
            is_anonymous=anonymous,
            due_feedback=(BOUNDARY + timedelta(days=days + 90)).date(),
        )
    elif name == "register":
        _, which, days, finding = operation
        register_row(
            organisations[which],
            (BOUNDARY + timedelta(days=days)).date(),
            category=tree["report"],
            finding=finding,
            closed_date=(BOUNDARY + timedelta(days=days + 30)).date() if finding else None,
            subject_pseudonym="p1" if finding == Finding.SUBSTANTIATED else "",
        )
        event_record(action=Action.REGISTER_IMPORTED)
    elif name == "refresh":
        rollup_refresh(now=NOW)
    elif cases:
        case = cases[operation[1] % len(cases)]
        if name == "outcome":
            _outcome(case, operation[2])
        elif name == "follow_up":
            _follow_up(case)
        else:
            _rate(case, operation[2])


def normalised(tally: Tally) -> dict:
    """A tally without the zeros and empty tables that one side lists and the other omits."""

    def nonzero(cells: dict) -> dict:
        return {key: value for key, value in cells.items() if value}

    return {
        "counts": nonzero(tally.counts),
        "amount": tally.amount,
        "tables": {name: nonzero(c) for name, c in tally.tables.items() if nonzero(c)},
        "histograms": {name: nonzero(c) for name, c in tally.histograms.items() if nonzero(c)},
        "per_organisation": tally.per_organisation,
        "distinct_violators": tally.distinct_violators,
        "ratings": sorted(tally.ratings),
        "faq_entries": tally.faq_entries,
    }


def rolled_up(scope: Scope) -> Tally:
    """The subtree's sum for a big organisation; for a leaf, its own row is its subtree."""
    read = rollup_read(scope)
    if read is not None:
        return read[0]
    assert not Organisation.objects.filter(parent=scope.organisation).exists()
    own = IndicatorRollup.objects.filter(
        fiscal_year=scope.fiscal_year.be, organisation=scope.organisation, subtree=False
    )
    data = own.values_list("tally", flat=True).first()
    return subtree_figures_add(scope, tally_load(data) if data else Tally())


def assert_rollup_equals_raw(tree: dict) -> None:
    root, a, _b, a1, _a2 = tree["organisations"]
    for fiscal_year in YEARS:
        for organisation in (root, a, a1):
            scope = Scope(organisation=organisation, fiscal_year=fiscal_year, now=NOW)
            raw, rolled = year_tally(scope), rolled_up(scope)
            assert normalised(rolled) == normalised(raw), (organisation.code, fiscal_year)
            assert (
                report_build(scope, rolled, None).as_dict()
                == report_build(scope, raw, None).as_dict()
            )


@everything_shown
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=operations, after=operations)
def test_the_rollup_equals_the_raw_computation_after_random_case_changes(
    tree, monkeypatch, before, after
):
    # Root (5 organisations) and A (3) get subtree sums; the leaves are read from their rows.
    monkeypatch.setattr(rollup_build, "ROLLUP_FROM_ORGANISATIONS", 3)
    # Each example runs in a savepoint rolled back at its end, so examples never see each
    # other's cases; the tree is built once.
    with transaction.atomic():
        for operation in before:
            _apply(tree, operation)
        for fiscal_year in YEARS:
            rollup_year_build(fiscal_year=fiscal_year, now=NOW)
        assert_rollup_equals_raw(tree)
        for operation in after:  # changes after the build reach it only through the refresh
            _apply(tree, operation)
        rollup_refresh(now=NOW + timedelta(minutes=5))
        assert_rollup_equals_raw(tree)
        transaction.set_rollback(True)


def test_a_stale_row_is_recomputed_by_the_task_and_others_are_left_alone(tree):
    _root, _a, b, a1, _a2 = tree["organisations"]
    live(a1, at(2026, 1, 5), category=tree["report"])
    live(b, at(2026, 1, 6), category=tree["report"])
    indicators_rollup_rebuild_task()
    rows = IndicatorRollup.objects.filter(fiscal_year=2569)
    before = {row.organisation_id: row.computed for row in rows}
    assert set(before) == {a1.pk, b.pk}
    live(a1, at(2026, 1, 7), category=tree["report"])  # writes case.created for A1 only
    # A1's row of FY 2569 and of each later year (for its open cases), none of earlier years
    assert (
        indicators_rollup_refresh_task() == RollupYear.objects.filter(fiscal_year__gte=2569).count()
    )
    after = {row.organisation_id: row for row in rows.all()}
    assert after[a1.pk].tally["counts"]["reports"] == 2
    assert after[a1.pk].computed > before[a1.pk]
    assert after[b.pk].computed == before[b.pk]
    assert indicators_rollup_refresh_task() == 0  # nothing changed since


def test_without_a_rollup_everything_is_computed_from_the_cases(tree, monkeypatch):
    monkeypatch.setattr(rollup_build, "ROLLUP_FROM_ORGANISATIONS", 1)
    root = tree["organisations"][0]
    live(root, at(2026, 1, 5), category=tree["report"])
    assert rollup_refresh() == 0  # nothing built yet: nothing to refresh
    report, _ = indicators_report(Scope(organisation=root, fiscal_year=FiscalYear(2569)))
    assert report.freshness is None
    assert report["reports_received"].value == 1


@everything_shown
def test_the_dashboard_reads_the_rollup_for_a_big_subtree(tree, make_staff, monkeypatch):
    monkeypatch.setattr(rollup_build, "ROLLUP_FROM_ORGANISATIONS", 3)
    root, _a, _b, a1, a2 = tree["organisations"]
    for organisation, day in ((a1, 5), (a2, 6), (a2, 7), (root, 8)):
        live(organisation, at(2026, 1, day), category=tree["report"])
    for fiscal_year in YEARS:
        rollup_year_build(fiscal_year=fiscal_year)
    # A case the rollup has not seen yet: the page must show the rollup's figures, and say so.
    live(a1, at(2026, 1, 10), category=tree["report"])
    client = signed_in_client(make_staff(Role.AUDITOR, organisation=root))
    response = client.get("/staff/audit/?fy=2569")
    assert response.status_code == 200
    assert response.context["report"]["reports_received"].value == 4
    assert response.context["report"].freshness is not None
    assert 'id="freshness"' in response.content.decode()
    exported = client.get("/staff/audit/export/all.xlsx?fy=2569")
    about = dict(load_workbook(io.BytesIO(exported.content))["about"].iter_rows(values_only=True))
    reference = response.context["report"].freshness.reference.astimezone(BKK)
    assert about["figures_as_of"] == reference.isoformat(timespec="minutes")
    assert about["figures_as_of"] < about["generated"]
    children = {row.organisation.code: row.reports.count for row in response.context["children"]}
    assert children == {"A": 3, "B": 0}
    # A district of three organisations is big enough here; a single one is not: it is raw.
    assert client.get("/staff/audit/?fy=2569&org=A").context["report"].freshness is not None
    leaf = client.get("/staff/audit/?fy=2569&org=A1").context["report"]
    assert leaf.freshness is None and leaf["reports_received"].value == 2
    rollup_refresh()
    response = client.get("/staff/audit/?fy=2569")
    raw, _ = indicators_report(Scope(organisation=root, fiscal_year=FiscalYear(2569)), rollup=False)
    assert response.context["report"].as_dict() == raw.as_dict()
    assert raw["reports_received"].value == 5


def test_the_refresh_and_the_nightly_rebuild_are_scheduled():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["indicators-rollup-refresh"]["task"] == indicators_rollup_refresh_task.name
    rebuild = schedule["indicators-rollup-rebuild-daily"]
    assert rebuild["task"] == indicators_rollup_rebuild_task.name


def test_the_commands_build_refresh_and_can_be_told_to_compute_from_the_cases(
    tree, monkeypatch, capsys
):
    monkeypatch.setattr(rollup_build, "ROLLUP_FROM_ORGANISATIONS", 1)
    live(tree["organisations"][3], at(2025, 3, 5), category=tree["report"])
    call_command("indicators_refresh")
    assert {y.fiscal_year for y in RollupYear.objects.all()} >= {2568, 2569}
    call_command("indicators_refresh", "--changed")
    call_command("indicators", "--org", "ROOT", "--fiscal-year", "2568")
    assert "pre-computed figures" in capsys.readouterr().err
    call_command("indicators", "--org", "ROOT", "--fiscal-year", "2568", "--raw")
    assert capsys.readouterr().err == ""


@everything_shown
def test_a_moved_organisation_leaves_its_old_parents_sum_at_the_next_refresh(tree, monkeypatch):
    monkeypatch.setattr(rollup_build, "ROLLUP_FROM_ORGANISATIONS", 2)
    root, a, b, a1, _a2 = tree["organisations"]
    for day in range(1, 8):
        live(a1, at(2026, 1, day), category=tree["report"])
    rollup_year_build(fiscal_year=FiscalYear(2569))
    a1.parent = b
    a1.save()  # the administration pages log this; a shell would not, and it is seen all the same
    live(a1, at(2026, 2, 1), category=tree["report"])
    rollup_refresh()
    for organisation in (root, a, b):
        organisation.refresh_from_db()
        scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569))
        rolled = indicators_report(scope)[0]
        raw = indicators_report(scope, rollup=False)[0]
        assert rolled.freshness is not None  # read from the rollup, not counted afresh
        assert rolled.as_dict() == raw.as_dict(), organisation.code
    a.refresh_from_db()
    assert (
        indicators_report(Scope(organisation=a, fiscal_year=FiscalYear(2569)))[0][
            "reports_received"
        ].value
        == 0
    )
