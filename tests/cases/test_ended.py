"""One definition of an ended case (cases.models.ENDED_STATES), used wherever it matters."""

import pytest
from django.test import Client

from cases.models import Case, CaseKind, Rating, State
from cases.workflow import case_transition
from core.models import Role
from hotline.services import rating_give
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import CategoryFactory
from tests.hotline.intake import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    organisation, _ = organisation_with_kit()
    counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
    staff_with_key(Role.SUPERVISOR, organisation)
    return {"organisation": organisation, "counselor": counselor}


def moved(world, created, *steps, **outcome):
    Case.objects.filter(pk=created.case.pk).update(assignee=world["counselor"])
    for name in steps:
        case_transition(
            case_id=created.case.pk, name=name, actor=world["counselor"], key=created.key, **outcome
        )
    return Case.objects.get(pk=created.case.pk)


@pytest.mark.parametrize(
    ("steps", "outcome"),
    [
        (("acknowledge", "assess", "reject"), {"rejection_reason": "out_of_scope"}),
        (("acknowledge", "assess", "refer"), {"referral_target": "nacc"}),
    ],
)
def test_a_rejected_or_referred_report_can_be_rated(world, steps, outcome):
    created = new_report(world["organisation"])
    case = moved(world, created, *steps, **outcome)
    rating = rating_give(case=case, key=created.key, score=2, comment="")
    assert rating is not None and rating.score == 2
    assert rating_give(case=case, key=created.key, score=5, comment="") is None  # once only


def test_an_answered_question_can_be_rated_and_an_open_case_cannot(world):
    open_report = new_report(world["organisation"])
    assert rating_give(case=open_report.case, key=open_report.key, score=4, comment="") is None
    question = new_report(
        world["organisation"],
        kind=CaseKind.QUESTION,
        category=CategoryFactory(kind=CaseKind.QUESTION),
    )
    case = moved(world, question, "start")
    Case.objects.filter(pk=case.pk).update(feedback_at=case.created)
    case = moved(world, question, "answer")
    assert case.state == State.ANSWERED and case.is_ended
    assert rating_give(case=case, key=question.key, score=4, comment="") is not None
    assert Rating.objects.count() == 1


def test_the_reporter_is_offered_the_rating_on_a_referred_report(world):
    created = new_report(world["organisation"])
    moved(world, created, "acknowledge", "assess", "refer", referral_target="police")
    client = Client()
    open_case(client, created.receipt.digits)
    page = client.get("/en/case/").content.decode()
    assert "Your report" in page and "Rate the service" in page
