"""Coming back with a receipt: one generic answer for every failure, and throttled guesses."""

import pytest
from django.test import Client

from core.crypto import receipts
from hotline.portal import CASE_KEY
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data

GENERIC = "No case could be opened with that receipt number"


@pytest.fixture
def receipt(tree) -> str:
    return file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )


def wrong_secret(receipt: str) -> str:
    """Same lookup part, another secret part, with a valid check digit."""
    body = receipt[:7] + ("1" if receipt[7] != "1" else "2") + receipt[8:23]
    return body + str(receipts._damm(body))


def test_a_right_receipt_opens_the_case(receipt):
    client = Client()
    open_case(client, " ".join(receipt[i : i + 4] for i in range(0, 24, 4)))
    cookie = client.cookies[CASE_KEY.cookie_name]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    page = client.get("/en/case/").content.decode()
    assert "ปลัดเรียกเงินใต้โต๊ะจากผู้รับเหมา" in page


@pytest.mark.parametrize(
    "typed",
    ["", "1234", "x" * 5000, "0000 0000 0000 0000 0000 0000", "๑๒๓๔"],
)
def test_every_wrong_receipt_gets_the_same_answer(receipt, typed):
    response = Client().post("/en/return/", {"receipt": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert GENERIC in page or "This field is required." in page or "at most 64" in page


def test_a_wrong_secret_gets_the_generic_answer(receipt):
    response = Client().post("/en/return/", {"receipt": wrong_secret(receipt)})
    assert GENERIC in response.content.decode()
    assert CASE_KEY.cookie_name not in response.cookies


def test_guesses_at_one_lookup_part_are_throttled(receipt, settings):
    settings.HOTLINE_RECEIPT_FAILURES = 3
    client = Client()
    for _ in range(3):
        assert (
            GENERIC
            in client.post("/en/return/", {"receipt": wrong_secret(receipt)}).content.decode()
        )
    response = Client().post("/en/return/", {"receipt": receipt})  # even the right one, for now
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_the_lookup_throttle_expires(receipt, settings):
    import time_machine

    settings.HOTLINE_RECEIPT_FAILURES = 1
    Client().post("/en/return/", {"receipt": wrong_secret(receipt)})
    assert Client().post("/en/return/", {"receipt": receipt}).status_code == 429
    from django.core.cache import cache

    # LocMemCache compares expiry with time.time(); travel past the TTL.
    with time_machine.travel(__import__("time").time() + 16 * 60):
        cache_keys = list(cache._cache.keys())
        assert cache_keys
        open_case(Client(), receipt)


def test_all_guesses_together_are_throttled(receipt, settings):
    settings.HOTLINE_RECEIPT_ATTEMPTS_PER_MINUTE = 2
    client = Client()
    client.post("/en/return/", {"receipt": "1" * 24})
    client.post("/en/return/", {"receipt": "2" * 24})
    assert client.post("/en/return/", {"receipt": receipt}).status_code == 429


def test_the_throttle_stores_no_receipt_digits(receipt, settings):
    from django.core.cache import cache

    Client().post("/en/return/", {"receipt": wrong_secret(receipt)})
    for key in cache._cache:
        assert receipt[:7] not in key


def test_the_receipt_form_is_not_cached(db):
    response = Client().get("/return/")
    assert "no-store" in response["Cache-Control"]
