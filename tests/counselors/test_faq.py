"""The ethics FAQ: drafted anew from an answered question, published by a supervisor,
searched by the public."""

import pytest

from audit.models import Action, Event
from cases.models import CaseKind, FaqEntry, FaqStatus
from cases.staff_selectors import faq_entries_published
from cases.workflow import case_transition
from counselors.faq_services import (
    FaqRefused,
    copied_run,
    faq_draft_create,
    faq_publish,
    faq_withdraw,
)
from tests.cases.factories import new_report
from tests.conftest import signed_in_client
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

ASKED = "ผมได้รับกระเช้าของขวัญปีใหม่จากผู้รับเหมาที่กำลังยื่นซองประมูลงานถนนของเทศบาล รับได้หรือไม่"
QUESTION = "เจ้าหน้าที่รับของขวัญจากผู้ที่มีส่วนได้เสียได้หรือไม่"
ANSWER = "ไม่ควรรับ ของขวัญจากผู้มีส่วนได้เสียกับงานที่รับผิดชอบอาจทำให้เกิดผลประโยชน์ทับซ้อน"


@pytest.fixture
def answered(team):
    from counselors.case_services import reply_add

    new = new_report(
        team.organisation,
        kind=CaseKind.QUESTION,
        category=CategoryFactory(kind=CaseKind.QUESTION),
        title=ASKED[:40],
        body={"question": ASKED},
    )
    team.assign(new.case)
    for name in ("start",):
        case_transition(case_id=new.case.pk, name=name, actor=team.supervisor, key=new.key)
    reply_add(case=new.case, key=new.key, user=team.supervisor, kind="answer", body=ANSWER)
    case = case_transition(case_id=new.case.pk, name="answer", actor=team.supervisor, key=new.key)
    return new.__class__(case=case, key=new.key, receipt=new.receipt)


def test_copied_run_ignores_spacing_and_case():
    original = "Is it all right to accept a New Year hamper from a contractor?"
    assert copied_run("so: is it   ALL right to accept a new year hamper? no", original)
    assert not copied_run("May officials take gifts from bidders?", original)


def test_a_draft_that_repeats_the_reporter_is_refused(team, answered):
    with pytest.raises(FaqRefused):
        faq_draft_create(
            case=answered.case,
            key=answered.key,
            user=team.supervisor,
            question_th="ถาม: " + ASKED[10:50],
            answer_th=ANSWER,
        )
    assert not FaqEntry.objects.exists()


def test_drafting_and_publishing_through_the_pages(team, answered):
    from counselors.case_services import conflict_declare

    conflict_declare(case=answered.case, user=team.counselor)
    counselor = signed_in_client(team.counselor)
    url = f"/en/staff/cases/{answered.case.pk}/faq/"
    response = counselor.post(url, {"question_th": ASKED, "answer_th": ANSWER})
    assert response.status_code == 400
    assert "repeats the reporter" in response.content.decode()
    response = counselor.post(
        url, {"question_th": QUESTION, "answer_th": ANSWER, "question_en": "Gifts?"}
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.status == FaqStatus.DRAFT
    assert Event.objects.filter(action=Action.FAQ_DRAFTED, actor=team.counselor).exists()
    assert counselor.post(f"/en/staff/faq/{entry.pk}/publish/").status_code == 403

    supervisor = signed_in_client(team.supervisor)
    assert QUESTION in supervisor.get("/staff/faq/").content.decode()
    assert supervisor.post(f"/en/staff/faq/{entry.pk}/publish/").status_code == 302
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED and entry.published_by == team.supervisor
    assert Event.objects.filter(action=Action.FAQ_PUBLISHED, actor=team.supervisor).exists()
    assert faq_entries_published([team.organisation.pk]) == 1
    assert faq_entries_published([]) == 0


def test_only_answered_questions_become_entries(team, report):
    with pytest.raises(FaqRefused):
        faq_draft_create(
            case=report.case,
            key=report.key,
            user=team.supervisor,
            question_th=QUESTION,
            answer_th=ANSWER,
        )


def test_the_public_faq_searches_published_entries_in_thai_and_english(team, answered, client):
    draft = faq_draft_create(
        case=answered.case,
        key=answered.key,
        user=team.supervisor,
        question_th=QUESTION,
        answer_th=ANSWER,
        question_en="May officials accept gifts from interested parties?",
        answer_en="No: a gift from someone with an interest in your work is a conflict.",
    )
    unpublished = faq_draft_create(
        case=answered.case,
        key=answered.key,
        user=team.supervisor,
        question_th="ร่างที่ยังไม่เผยแพร่",
        answer_th="ยังไม่เผยแพร่",
    )
    faq_publish(entry_id=draft.pk, supervisor=team.supervisor)
    page = client.get("/faq/").content.decode()
    assert QUESTION in page and "ร่างที่ยังไม่เผยแพร่" not in page
    assert QUESTION in client.get("/faq/", {"q": "ของขวัญ"}).content.decode()
    assert "Nothing matches" in client.get("/en/faq/", {"q": "ของขวัญX"}).content.decode()
    english = client.get("/en/faq/", {"q": "GIFTS"}).content.decode()
    assert "May officials accept gifts" in english
    assert unpublished.status == FaqStatus.DRAFT


def _draft(team, answered):
    return faq_draft_create(
        case=answered.case,
        key=answered.key,
        user=team.counselor,
        question_th=QUESTION,
        answer_th=ANSWER,
    )


def test_a_supervisor_turns_down_a_draft_and_withdraws_a_published_entry(team, answered, client):
    turned_down, published = _draft(team, answered), _draft(team, answered)
    faq_publish(entry_id=published.pk, supervisor=team.supervisor)
    assert QUESTION in client.get("/en/faq/").content.decode()
    supervisor = signed_in_client(team.supervisor)
    page = supervisor.get("/en/staff/faq/").content.decode()
    assert "Turn down" in page and "Withdraw from the public FAQ" in page
    for entry in (turned_down, published):
        assert supervisor.post(f"/en/staff/faq/{entry.pk}/withdraw/").status_code == 302
        entry.refresh_from_db()
        assert entry.status == FaqStatus.WITHDRAWN
    assert QUESTION not in client.get("/en/faq/").content.decode()
    assert faq_entries_published([team.organisation.pk]) == 0
    events = Event.objects.filter(action=Action.FAQ_WITHDRAWN, actor=team.supervisor)
    assert sorted(e.details["was"] for e in events) == ["draft", "published"]
    with pytest.raises(FaqRefused):
        faq_publish(entry_id=turned_down.pk, supervisor=team.supervisor)
    assert FaqEntry.objects.get(pk=turned_down.pk).status == FaqStatus.WITHDRAWN


def test_only_a_supervisor_of_the_organisation_withdraws(team, answered, make_staff):
    from core.models import Role
    from tests.cases.factories import organisation_with_kit

    entry = _draft(team, answered)
    stranger = make_staff(Role.SUPERVISOR, organisation=organisation_with_kit()[0])
    assert signed_in_client(stranger).post(f"/en/staff/faq/{entry.pk}/withdraw/").status_code == 404
    assert (
        signed_in_client(team.counselor).post(f"/en/staff/faq/{entry.pk}/withdraw/").status_code
        == 403
    )
    with pytest.raises(FaqRefused):
        faq_withdraw(entry_id=entry.pk, supervisor=stranger)
    assert FaqEntry.objects.get(pk=entry.pk).status == FaqStatus.DRAFT
    assert not Event.objects.filter(action=Action.FAQ_WITHDRAWN).exists()
