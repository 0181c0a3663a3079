"""Public pages never answer 500 to bad input, and their error pages say what to do next
without showing anything about the request or the code."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from cases.models import Case
from tests.hotline.intake import report_data

TOO_BIG_FOR_SQLITE = "9223372036854775808"  # 2**63: SQLite's integers stop one below


@pytest.mark.parametrize("field", ["named_staff", "category"])
@pytest.mark.parametrize("value", [TOO_BIG_FOR_SQLITE, "-1", "1e3", "x", "0"])
def test_an_out_of_range_choice_is_a_form_error(tree, field, value):
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/en/o/{tree.municipality.code}/report/", report_data(tree, **{field: value})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "ปลัดเรียกเงินใต้โต๊ะจากผู้รับเหมา" in page  # what was typed is kept
    assert not Case.objects.exists()


def test_an_out_of_range_topic_on_a_question_is_a_form_error(tree):
    response = Client(raise_request_exception=False).post(
        f"/en/o/{tree.municipality.code}/question/",
        {"category": TOO_BIG_FOR_SQLITE, "question": "May I accept a gift?"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_unknown_page_is_answered_in_the_reporters_language(db):
    thai = Client().get("/o/NO-SUCH-ORG/")
    english = Client().get("/en/o/NO-SUCH-ORG/")
    assert thai.status_code == english.status_code == 404
    assert "ไม่พบหน้านี้" in thai.content.decode()
    page = english.content.decode()
    assert "This page was not found" in page
    assert 'href="/en/"' in page  # a way back home
    assert "NO-SUCH-ORG" not in page  # nothing of the request is echoed


def test_the_500_page_renders_without_a_request_context(db):
    # Django's server_error renders 500.html with an empty context: no request, no user.
    response = server_error(RequestFactory().get("/en/anything/?secret=1"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page or "เกิดข้อผิดพลาด" in page
    assert 'href="/' in page
    assert "Traceback" not in page and "secret" not in page


def test_a_crashing_view_gets_the_500_page(db, monkeypatch):
    from hotline.views import public

    def broken(*args, **kwargs):
        raise RuntimeError("SENTINEL-INTERNAL-DETAIL")

    monkeypatch.setattr(public, "organisations_below", broken)
    from tests.factories import OrganisationFactory

    OrganisationFactory(code="X1")
    response = Client(raise_request_exception=False).get("/en/o/X1/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "SENTINEL-INTERNAL-DETAIL" not in page
    assert 'href="/en/"' in page


PUBLIC_GET = [
    "/",
    "/en/",
    "/find/?q=test",
    "/o/M900101/",
    "/o/M900101/poster/",
    "/o/M900101/question/",
    "/o/M900101/report/",
    "/return/",
    "/sent/",
    "/receipt/",
    "/faq/",
    "/ita/M900101/",
]


@pytest.mark.parametrize("path", PUBLIC_GET)
def test_head_answers_like_get(tree, path):
    get = Client().get(path)
    head = Client().head(path)
    assert get.status_code == 200
    assert head.status_code == get.status_code
    assert head["Content-Type"] == get["Content-Type"]


def test_head_does_not_use_up_the_receipt(tree):
    from tests.hotline.intake import receipt_on

    client = Client()
    sent = client.post(f"/o/{tree.municipality.code}/report/", report_data(tree))
    assert sent.status_code == 302
    assert client.head("/receipt/").status_code == 200
    receipt_on(client.get("/receipt/").content.decode())  # still shown once, after the HEAD
