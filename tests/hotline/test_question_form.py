from django.test import Client

from cases.models import Case, CaseKind
from cases.receipts import receipt_open
from cases.selectors import case_content
from tests.hotline.intake import file_and_keep_receipt


def question_data(tree, **overrides) -> dict:
    return {
        "category": str(tree.question_category.pk),
        "question": "รับกระเช้าปีใหม่จากผู้รับเหมาได้หรือไม่\nรายละเอียดเพิ่มเติม",
        "website": "",
    } | overrides


def test_it_offers_only_question_topics(tree):
    page = Client().get(f"/o/{tree.municipality.code}/question/").content.decode()
    assert "ของขวัญ" in page
    assert "การเรียกรับสินบน" not in page


def test_it_stores_a_question(tree):
    digits = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/question/", question_data(tree)
    )
    case = Case.objects.get()
    assert case.kind == CaseKind.QUESTION and case.organisation == tree.municipality
    opened = receipt_open(digits)
    assert opened is not None
    content = case_content(case=case, key=opened[1])
    assert content.title == "รับกระเช้าปีใหม่จากผู้รับเหมาได้หรือไม่"
    assert content.body == {"question": question_data(tree)["question"]}


def test_a_report_category_is_not_a_question_topic(tree):
    data = question_data(tree, category=str(tree.report_category.pk))
    response = Client().post(f"/en/o/{tree.municipality.code}/question/", data)
    assert "Select a valid choice" in response.content.decode()
    assert not Case.objects.exists()


def test_it_keeps_the_question_when_the_topic_is_missing(tree):
    data = question_data(tree, category="", question="คำถามที่พิมพ์ไว้")
    page = Client().post(f"/o/{tree.municipality.code}/question/", data).content.decode()
    assert "คำถามที่พิมพ์ไว้" in page
    assert 'aria-describedby=" id_category_error"' in page or "id_category_error" in page


class TestHoneypot:
    def test_it_is_hidden_and_labelled(self, tree):
        page = Client().get(f"/en/o/{tree.municipality.code}/question/").content.decode()
        assert '<div class="hp" aria-hidden="true">' in page
        assert "Leave this field empty" in page

    def test_a_filled_honeypot_stores_nothing(self, tree):
        data = question_data(tree, website="http://spam.example")
        response = Client().post(f"/en/o/{tree.municipality.code}/question/", data)
        assert response.status_code == 200
        assert "could not be sent this time" in response.content.decode()
        assert not Case.objects.exists()
