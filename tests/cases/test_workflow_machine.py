"""Random walks through the workflow by random actors, checking the invariants at each step."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from audit.models import Action, Event
from cases.keys import key_open
from cases.models import Case, CaseKeyWrap, Finding, Message, State
from cases.retention import case_purge
from cases.workflow import TransitionRefused, case_transition, transition_rules, transitions_open_to
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key

NAMES = sorted({r.name for r in transition_rules()})
ACTORS = ["assignee", "other_counselor", "supervisor", "stranger", "reporter", "system"]
OUTCOMES = {
    "finding": st.sampled_from(["", *Finding.values]),
    "rejection_reason": st.sampled_from(["", "out_of_scope"]),
    "referral_target": st.sampled_from(["", "nacc"]),
    "action_type": st.sampled_from(["", "none", "disciplinary"]),
}
FINISHED_WITH_FINDING = {State.CONCLUDED, State.ACTION_RECORDED}
VISITED: set[str] = set()


class Workflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        organisation, _ = organisation_with_kit()
        self.people = {
            "supervisor": staff_with_key(Role.SUPERVISOR, organisation)[0],
            "assignee": staff_with_key(Role.COUNSELOR, organisation)[0],
            "other_counselor": staff_with_key(Role.COUNSELOR, organisation)[0],
        }
        from tests.factories import OrganisationFactory

        self.people["stranger"] = staff_with_key(Role.SUPERVISOR, OrganisationFactory())[0]
        created = new_report(organisation)
        self.case_id, self.key = created.case.pk, created.key
        Case.objects.filter(pk=self.case_id).update(assignee=self.people["assignee"])
        self.purged = False
        self.supervisor_private = None

    def actor(self, name: str):
        return self.people.get(name, name)

    @rule(name=st.sampled_from(NAMES), who=st.sampled_from(ACTORS), data=st.data())
    def take(self, name, who, data):
        case = Case.objects.get(pk=self.case_id)
        actor = self.actor(who)
        allowed = name in transitions_open_to(case, actor) and not self.purged
        fields = {k: data.draw(v) for k, v in OUTCOMES.items()}
        fields = {k: v for k, v in fields.items() if v}
        before = Event.objects.filter(action=Action.CASE_TRANSITION).count()
        try:
            after = case_transition(
                case_id=self.case_id, name=name, actor=actor, key=self.key, **fields
            )
        except TransitionRefused:
            assert Event.objects.filter(action=Action.CASE_TRANSITION).count() == before
            assert Case.objects.get(pk=self.case_id).version == case.version
            return
        assert allowed, f"{who} took {name} from {case.state}"
        assert Event.objects.filter(action=Action.CASE_TRANSITION).count() == before + 1
        assert after.version == case.version + 1

    @rule(data=st.data())
    def advance(self, data):
        """Take a step that is open, with what it needs: walks reach the far states."""
        case = Case.objects.get(pk=self.case_id)
        options = [(w, n) for w in ACTORS for n in transitions_open_to(case, self.actor(w))]
        if self.purged or not options:
            return
        who, name = data.draw(st.sampled_from(sorted(options)))
        fields = {
            "finding": data.draw(st.sampled_from(Finding.values)),
            "rejection_reason": "out_of_scope",
            "referral_target": "nacc",
            "action_type": "none",
        }
        after = case_transition(
            case_id=self.case_id, name=name, actor=self.actor(who), key=self.key, **fields
        )
        VISITED.add(after.state)

    @rule()
    def purge(self):
        if case_purge(case_id=self.case_id):
            self.purged = True

    @invariant()
    def outcomes_are_consistent(self):
        case = Case.objects.get(pk=self.case_id)
        if case.state in FINISHED_WITH_FINDING or (
            case.state == State.CLOSED and case.kind == "report"
        ):
            assert case.finding
            assert case.feedback_at is not None
        if case.state == State.CLOSED:
            assert case.closed_at is not None
        if case.state == State.REJECTED:
            assert case.rejection_reason
        if case.state == State.REFERRED:
            assert case.referral_target
        assert (
            case.due_acknowledge and case.due_feedback and case.due_acknowledge <= case.due_feedback
        )
        if case.acknowledged_at:
            assert case.state != State.RECEIVED

    @invariant()
    def nothing_is_reachable_from_a_purged_case(self):
        if not self.purged:
            return
        case = Case.objects.get(pk=self.case_id)
        assert bytes(case.title_ct) == b""
        assert not CaseKeyWrap.objects.filter(case=case).exists()
        assert not Message.objects.filter(case=case).exists()
        assert key_open(case=case, user=self.people["supervisor"], private=b"\0" * 32) is None


@pytest.mark.django_db
def test_random_walks_keep_the_invariants():
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    assert {State.CLOSED, State.REJECTED, State.REFERRED} <= VISITED  # the walks went far
