"""The receipt is shown once, read from the server session and then forgotten."""

from django.test import Client

from cases.models import Case
from cases.receipts import receipt_open
from hotline.portal import RECEIPT_ONCE
from tests.hotline.intake import receipt_on, report_data


def submit(tree, client: Client, prefix: str = "") -> str:
    response = client.post(f"{prefix}/o/{tree.municipality.code}/report/", report_data(tree))
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_receipt_is_never_in_a_url_or_cookie(tree):
    client = Client()
    location = submit(tree, client)
    assert location == "/receipt/"
    page = client.get(location).content.decode()
    digits = receipt_on(page)
    assert len(digits) == 24 and receipt_open(digits) is not None
    for cookie in client.cookies.values():
        assert digits[:7] not in cookie.value and digits[-8:] not in cookie.value
    receipt_cookie = client.cookies[RECEIPT_ONCE.cookie_name]
    assert receipt_cookie["httponly"] and receipt_cookie["samesite"] == "Strict"


def test_it_is_shown_once_with_advice(tree):
    client = Client()
    submit(tree, client, "/en")
    first = client.get("/en/receipt/").content.decode()
    digits = receipt_on(first)
    assert "shown only once" in first
    assert "Do not keep it on a computer or phone that others use" in first
    second = client.get("/en/receipt/").content.decode()
    assert digits[:8] not in second and digits[-4:] not in second
    assert "was shown once and is not shown again" in second


def test_another_browser_sees_no_receipt(tree):
    client = Client()
    submit(tree, client)
    thief = Client()
    thief.cookies["sessionid"] = client.cookies["sessionid"].value  # the session without its key
    page = thief.get("/en/receipt/").content.decode()
    assert "No receipt to show" in page
    assert '<p class="receipt"' not in page


def test_the_reporter_confirms_the_last_group(tree):
    client = Client()
    submit(tree, client, "/en")
    digits = receipt_on(client.get("/en/receipt/").content.decode())
    wrong = client.post(
        "/en/receipt/confirm/", {"last_group": "0000" if digits[-4:] != "0000" else "1111"}
    )
    assert wrong.status_code == 200
    page = wrong.content.decode()
    assert "These are not the last four digits" in page
    assert digits[:8] not in page
    thai_digits = digits[-4:].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    right = client.post("/en/receipt/confirm/", {"last_group": thai_digits})
    assert right.headers["Location"] == "/en/sent/"
    assert client.cookies[RECEIPT_ONCE.cookie_name].value == ""
    assert "Thank you" in client.get("/en/sent/").content.decode()


def test_a_confirmation_without_a_receipt_goes_on(db):
    response = Client().post("/receipt/confirm/", {"last_group": "1234"})
    assert response.headers["Location"] == "/sent/"


def test_one_case_per_submission(tree):
    client = Client()
    submit(tree, client)
    client.get("/receipt/")
    assert Case.objects.count() == 1
