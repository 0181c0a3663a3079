"""What a reporter does on an ended case reaches staff: the inbox marks the case new for each
person until they open it, and the supervisors are offered to reopen it."""

import pytest
from django.core import mail

from audit.models import Action, Event
from cases.models import AuthorSide, Case, Notification, State
from cases.services import message_add
from cases.workflow import case_transition
from counselors.case_services import conflict_declare
from counselors.inbox import InboxFilters, inbox_page
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def url(case, suffix=""):
    return f"/en/staff/cases/{case.pk}/{suffix}"


def new_for(team, user, case) -> bool:
    page = inbox_page(user=user, private=team.key(user), filters=InboxFilters())
    return next(row.new for row in page.rows if row.case.pk == case.pk)


@pytest.fixture
def rejected(team, report):
    team.assign(report.case)
    conflict_declare(case=report.case, user=team.counselor)
    for name in ("acknowledge", "assess", "reject"):
        case_transition(
            case_id=report.case.pk,
            name=name,
            actor=team.counselor,
            key=report.key,
            rejection_reason="insufficient",
        )
    return Case.objects.get(pk=report.case.pk)


def test_a_reporter_message_on_an_ended_case_is_new_to_each_person_until_they_look(
    team, report, rejected
):
    supervisor = signed_in_client(team.supervisor)
    for user, client in ((team.supervisor, supervisor), (team.counselor, None)):
        (client or signed_in_client(user)).get(url(rejected))  # read as it ended
        assert not new_for(team, user, rejected)
    message_add(case=rejected, key=report.key, side=AuthorSide.REPORTER, body="มีหลักฐานใหม่")
    assert new_for(team, team.supervisor, rejected) and new_for(team, team.counselor, rejected)

    inbox = supervisor.get("/en/staff/cases/").content.decode()
    assert "new from the reporter" in inbox
    supervisor.get(url(rejected))
    assert not new_for(team, team.supervisor, rejected)
    assert new_for(team, team.counselor, rejected)  # the counselor has not looked yet


def test_the_supervisors_are_told_and_offered_to_reopen(
    team, report, rejected, django_capture_on_commit_callbacks
):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        message_add(case=rejected, key=report.key, side=AuthorSide.REPORTER, body="ใหม่")
        message_add(case=rejected, key=report.key, side=AuthorSide.REPORTER, body="อีก")
    notified = Notification.objects.order_by("pk")[before:].values_list("recipient", flat=True)
    assert list(notified) == [team.supervisor.pk]  # once, and no content in the mail
    assert all("ใหม่" not in m.body for m in mail.outbox)

    supervisor = signed_in_client(team.supervisor)
    page = supervisor.get(url(rejected)).content.decode()
    assert "The reporter wrote after this case ended" in page
    assert 'href="#step-reopen"' in page and 'id="step-reopen"' in page
    counselor_page = signed_in_client(team.counselor).get(url(rejected)).content.decode()
    assert "A supervisor can reopen the case" in counselor_page

    response = supervisor.post(
        url(rejected, "transition/"),
        {
            "reopen-transition": "reopen",
            "reopen-version": rejected.version,
            "reopen-note": "ผู้แจ้งส่งหลักฐานใหม่",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=rejected.pk)
    assert case.state == State.ASSESSMENT and not case.reporter_wrote_after_end
    event = Event.objects.filter(action=Action.CASE_TRANSITION, object_id=str(case.pk)).last()
    assert event is not None and event.details["transition"] == "reopen"
    assert "The reporter wrote after" not in supervisor.get(url(case)).content.decode()


@pytest.mark.parametrize(
    ("name", "outcome"), [("refer", {"referral_target": "nacc"}), ("close", {})]
)
def test_referred_and_closed_reports_offer_the_reopening_too(team, report, name, outcome):
    team.assign(report.case)
    steps = (
        ["acknowledge", "assess", "refer"]
        if name == "refer"
        else ["acknowledge", "assess", "investigate", "conclude", "record_action", "close_report"]
    )
    values = {"finding": "substantiated", "action_type": "none", **outcome}
    for step in steps:
        actor = team.supervisor if step == "close_report" else team.counselor
        fields = {k: v for k, v in values.items() if _needs(step, k)}
        case_transition(case_id=report.case.pk, name=step, actor=actor, key=report.key, **fields)
    case = Case.objects.get(pk=report.case.pk)
    assert case.is_ended
    message_add(case=case, key=report.key, side=AuthorSide.REPORTER, body="ใหม่")
    page = signed_in_client(team.supervisor).get(url(case)).content.decode()
    assert "The reporter wrote after this case ended" in page and 'id="step-reopen"' in page


def _needs(step: str, field: str) -> bool:
    return {
        "refer": {"referral_target"},
        "conclude": {"finding"},
        "record_action": {"action_type"},
    }.get(step, set()).__contains__(field)
