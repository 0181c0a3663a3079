"""The transition specs (cases.transitions) are the workflow's one definition: the FSM on the
model agrees with them exactly, the staff form is generated from them, and nothing else
names a transition to decide what it does."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django_fsm import get_all_FIELD_transitions

from cases.deadlines import is_overdue, unmet_deadline_before
from cases.lib.system_messages import system_message_body, system_message_text
from cases.models import Case, CaseKind, Channel, State
from cases.services import case_create
from cases.transitions import (
    TRANSITIONS,
    Entry,
    outcome_choices,
    staff_transition_names,
    transition_named,
)
from cases.workflow import case_transition
from core.models import Role
from counselors.workspace_forms import TransitionForm
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import CategoryFactory


def fsm_machine() -> dict[str, tuple[tuple[str, ...], str, tuple]]:
    machine: dict[str, tuple[tuple[str, ...], str, tuple]] = {}
    for t in get_all_FIELD_transitions(Case(), Case._meta.get_field("state")):
        sources = machine.get(t.name, ((), "", ()))[0] + (str(t.source),)
        machine[t.name] = (sources, str(t.target), tuple(t.conditions))
    return machine


def test_the_fsm_and_the_specs_agree_exactly():
    specs = {
        t.name: (tuple(str(s) for s in t.sources), str(t.target), t.conditions) for t in TRANSITIONS
    }
    assert fsm_machine() == specs


def test_each_transition_is_specified_once_and_for_a_real_kind_and_role():
    names = [t.name for t in TRANSITIONS]
    assert len(names) == len(set(names))
    for t in TRANSITIONS:
        assert t.kinds and set(t.kinds) <= set(CaseKind.values)
        assert t.roles and set(t.roles) <= {"counselor", "supervisor", "reporter", "system"}
        for field, _stamp in t.stamps:
            Case._meta.get_field(field)  # a real moment or counter of the case


def test_every_staff_step_has_a_button_and_only_those():
    for t in TRANSITIONS:
        assert bool(t.label) == (t.name in staff_transition_names())
    assert "follow_up" not in staff_transition_names()  # the reporter's alone


def test_the_staff_form_is_generated_from_the_outcomes():
    for name in staff_transition_names():
        spec = transition_named(name)
        assert spec is not None
        form = TransitionForm(name=name)
        assert form.label == spec.label
        assert list(form.fields) == ["transition", "version", *(o.field for o in spec.outcomes)]
        for outcome in spec.outcomes:
            field = form.fields[outcome.field]
            assert (field.label, field.required) == (outcome.label, outcome.required)
            if outcome.entry is Entry.CHOICE:
                assert outcome_choices(outcome.field)
                assert [c[0] for c in field.choices][1:] == [  # type: ignore[attr-defined]
                    c[0] for c in outcome_choices(outcome.field)
                ]


def test_the_form_hands_over_only_what_was_filled_in():
    form = TransitionForm(
        {
            "record_action-transition": "record_action",
            "record_action-version": "3",
            "record_action-action_type": "disciplinary",
            "record_action-penalty": "",
            "record_action-amount_recovered": "12.50",
        },
        name="record_action",
    )
    assert form.is_valid(), form.errors
    assert form.outcome() == {"action_type": "disciplinary", "amount_recovered": 12.5}
    names = TransitionForm(
        {
            "conclude-transition": "conclude",
            "conclude-version": "1",
            "conclude-finding": "partly",
            "conclude-subjects": " นาย ก \n\n นาง ข ",
        },
        name="conclude",
    )
    assert names.is_valid(), names.errors
    assert names.outcome() == {"finding": "partly", "subjects": ("นาย ก", "นาง ข")}


def test_a_reopening_needs_its_reason():
    form = TransitionForm({"reopen-transition": "reopen", "reopen-version": "1"}, name="reopen")
    assert not form.is_valid() and "note" in form.errors


def test_each_reporter_message_is_the_specs_own_words():
    with translation.override("en"):
        for t in TRANSITIONS:
            text = system_message_text(system_message_body(Case(finding="partly"), t.name))
            if t.message:
                assert text.startswith(str(t.message).split("%(")[0])
            else:
                assert text == ""


SOURCES = [
    Path(settings.BASE_DIR) / "cases" / "workflow.py",
    Path(settings.BASE_DIR) / "counselors" / "workspace_forms.py",
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_transition_is_singled_out_by_name(path):
    """What a step does is in its spec: a name compared or listed here would be a second home."""
    names = {t.name for t in TRANSITIONS}
    literals = {
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert not literals & names


@pytest.mark.django_db
def test_overdue_is_the_same_one_case_at_a_time_and_in_sql():
    organisation, _ = organisation_with_kit()
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    cases = [new_report(organisation) for _ in range(4)]
    question = case_create(
        kind=CaseKind.QUESTION,
        organisation=organisation,
        category=CategoryFactory(kind=CaseKind.QUESTION),
        channel=Channel.WEB,
        title="ของขวัญ",
        body={"question": "รับได้ไหม"},
    )
    Case.objects.update(assignee=counselor)
    acknowledged, rejected, answered_early, _untouched = cases
    for created, steps in ((acknowledged, ["acknowledge"]), (rejected, ["acknowledge", "assess"])):
        for name in steps:
            case_transition(case_id=created.case.pk, name=name, actor=counselor, key=created.key)
    case_transition(
        case_id=rejected.case.pk,
        name="reject",
        actor=counselor,
        key=rejected.key,
        rejection_reason="out_of_scope",
    )
    # Feedback before the acknowledgement: the acknowledgement is still owed.
    Case.objects.filter(pk=answered_early.case.pk).update(feedback_at=question.case.created)
    start = date.today()
    for offset in range(0, 200, 3):
        day = start + timedelta(days=offset)
        in_python = {c.pk for c in Case.objects.all() if is_overdue(c, day)}
        in_sql = set(Case.objects.filter(unmet_deadline_before(day)).values_list("pk", flat=True))
        assert in_python == in_sql, day
    assert {_untouched.case.pk, question.case.pk} <= in_sql  # long past every deadline
    assert rejected.case.pk not in in_sql  # ended: nothing is due
    assert Case.objects.get(pk=rejected.case.pk).state == State.REJECTED
