"""The satisfaction indicator reads the reporters' ratings (hotline.models.Rating)."""

from cases.models import ENDED_STATES, CaseKind, Rating, State
from core.lib.fiscal import FiscalYear
from indicators.engine import Scope
from indicators.facts import COMPLETED
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import at, live, org


def test_satisfaction_is_the_share_of_ratings_four_and_five(db):
    organisation = org()
    scores = [5, 5, 4, 3, 1, 4]
    for n, score in enumerate(scores):
        case = live(organisation, at(2026, 1, 10 + n), state=State.CLOSED)
        Rating.objects.create(case=case, score=score)
    elsewhere = live(org(), at(2026, 1, 20), state=State.CLOSED)
    Rating.objects.create(case=elsewhere, score=1)  # another organisation: not counted
    report, _ = indicators_report(
        Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))
    )
    assert report["satisfaction_rate"].value == 4 / 6


def test_too_few_ratings_show_no_rate(db):
    organisation = org()
    for n in range(3):
        Rating.objects.create(
            case=live(organisation, at(2026, 2, 1 + n), state=State.CLOSED), score=5
        )
    report, _ = indicators_report(
        Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))
    )
    assert report["satisfaction_rate"].value is None


def test_faq_entries_count_what_the_subtree_published_in_the_year(db):
    from cases.models import FaqEntry, FaqStatus
    from tests.factories import UserFactory

    parent = org()
    child = org(parent=parent)
    author = UserFactory(organisation=child)

    def entry(organisation, published_at, status=FaqStatus.PUBLISHED):
        FaqEntry.objects.create(
            organisation=organisation,
            question_th="q",
            answer_th="a",
            status=status,
            drafted_by=author,
            published_at=published_at,
        )

    entry(child, at(2025, 10, 1, 0, 0))  # first instant of FY 2569
    entry(parent, at(2026, 9, 30, 23, 59))
    entry(child, at(2025, 9, 30, 23, 59))  # FY 2568
    entry(child, None, status=FaqStatus.DRAFT)
    entry(org(), at(2026, 1, 1))  # elsewhere
    report, _ = indicators_report(
        Scope(organisation=parent, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))
    )
    assert report["faq_entries_published"].value == 2


def test_ratings_of_every_ended_case_count_not_only_closed_ones(db):
    # A reporter may rate a rejected, referred or answered case too (hotline.services
    # .rating_give); leaving them out would measure satisfaction on the cases that went
    # furthest only.
    organisation = org()
    ended = [
        (State.CLOSED, CaseKind.REPORT, 5),
        (State.REJECTED, CaseKind.REPORT, 1),
        (State.REFERRED, CaseKind.REPORT, 2),
        (State.ANSWERED, CaseKind.QUESTION, 1),
        (State.CLOSED, CaseKind.QUESTION, 4),
    ]
    for n, (state, kind, score) in enumerate(ended):
        case = live(organisation, at(2026, 3, 1 + n), kind=kind, state=state)
        Rating.objects.create(case=case, score=score)
    reopened = live(organisation, at(2026, 3, 20), state=State.ASSESSMENT)
    Rating.objects.create(case=reopened, score=5)  # rated, then reopened: not ended now
    report, _ = indicators_report(
        Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))
    )
    assert report["satisfaction_rate"].value == 2 / 5


def test_a_report_is_completed_when_it_has_ended_by_the_one_definition():
    # The ITA's "completed" complaints are the reports that ended, by cases.models' definition.
    assert set(COMPLETED) == set(ENDED_STATES)
