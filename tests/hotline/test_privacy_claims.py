"""The README's Privacy section, claim by claim: each sentence there has a test here."""

import logging
import re

import pytest
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client, RequestFactory

from config.logging import StaffRequestsOnly
from hotline.middleware import null_origin_by_fetch_metadata
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data

CODE = "M900101"
PAGES = [
    "/",
    "/en/",
    "/find/?q=ท่า",
    f"/o/{CODE}/",
    f"/o/{CODE}/poster/",
    f"/o/{CODE}/question/",
    f"/o/{CODE}/report/",
    "/return/",
    "/receipt/",
    "/sent/",
    "/faq/",
    f"/ita/{CODE}/",
]
FORM_PAGES = {f"/o/{CODE}/question/", f"/o/{CODE}/report/", "/return/"}


def outlives_the_session(morsel) -> bool:
    """A cookie that a browser keeps after it closes (a deletion, dated in the past, is not)."""
    deleting = morsel.value == "" and str(morsel["max-age"]) == "0"
    return not deleting and bool(morsel["max-age"] or morsel["expires"])


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_load_nothing_from_another_origin_and_run_no_script(tree, path):
    response = Client().get(path)
    page = response.content.decode()
    csp = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert all(src in {"'self'", "'none'"} for sources in csp.values() for src in sources)
    assert not re.search(r'(src|href|action)="(https?:)?//', page), "a link to another origin"
    assert "<script" not in page and not re.search(r"\son[a-z]+=", page)


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_carry_strict_csp_no_referrer_and_no_store(tree, path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", PAGES)
def test_no_cookie_until_a_form_is_opened_and_none_that_outlives_the_session(tree, path):
    cookies = Client().get(path).cookies
    if path not in FORM_PAGES:
        assert not cookies, f"{path} set {list(cookies)}"
    assert not [name for name, morsel in cookies.items() if outlives_the_session(morsel)]


def test_after_sending_and_returning_every_cookie_is_a_session_cookie(tree):
    client = Client()
    seen = []
    response = client.post(f"/o/{CODE}/report/", report_data(tree))
    seen.append(response.cookies)
    receipt_page = client.get(response.headers["Location"])
    seen.append(receipt_page.cookies)
    receipt = file_and_keep_receipt(Client(), f"/o/{CODE}/report/", report_data(tree))
    seen.append(client.post("/return/", {"receipt": receipt}).cookies)
    seen.append(client.post("/case/reply/", {"body": "more"}).cookies)
    seen.append(client.post("/case/leave/").cookies)
    long_lived = [name for jar in seen for name, m in jar.items() if outlives_the_session(m)]
    assert long_lived == []


def test_leaving_removes_the_form_cookie_too(tree):
    client = Client()
    receipt = file_and_keep_receipt(Client(), f"/o/{CODE}/report/", report_data(tree))
    client.get("/return/")
    open_case(client, receipt)
    left = client.post("/case/leave/")
    assert left.cookies["csrftoken"].value == ""


def test_public_request_logs_are_dropped(tree, caplog):
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["staff_requests_only"]
    with caplog.at_level(logging.DEBUG):
        Client().get("/o/NOT-THERE/")
        Client().post(f"/o/{CODE}/report/", {"what": ""})
    kept = [r for r in caplog.records if StaffRequestsOnly().filter(r)]
    assert not [r for r in kept if r.name.startswith("django.")], "a public request was logged"


# Under no-referrer a browser posts a form with "Origin: null" and no Referer; the browser's
# own Sec-Fetch-Site header then says where the post came from.

TOKEN = "a" * 32


def csrf_answer(*, token: bool = True, **meta):
    request = RequestFactory().post("/return/", {"receipt": "1"}, **meta)
    if token:
        request.COOKIES["csrftoken"] = TOKEN
        request.META["HTTP_X_CSRFTOKEN"] = TOKEN
    csrf = CsrfViewMiddleware(lambda r: None)

    def view(request):
        return csrf.process_view(request, lambda r: None, (), {})

    return null_origin_by_fetch_metadata(view)(request)


@pytest.mark.parametrize("secure", [False, True])
def test_a_same_origin_post_without_origin_or_referer_is_accepted(settings, secure):
    settings.ALLOWED_HOSTS = ["testserver"]
    answer = csrf_answer(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin", secure=secure)
    assert answer is None


@pytest.mark.parametrize("secure", [False, True])
def test_a_null_origin_without_fetch_metadata_is_refused_even_with_the_token(settings, secure):
    # Without the browser's own word that the post is same-origin, `null` may come from a
    # sibling subdomain that tossed its own csrftoken cookie: the token alone is not enough.
    settings.ALLOWED_HOSTS = ["testserver"]
    answer = csrf_answer(HTTP_ORIGIN="null", secure=secure)
    assert answer is not None and answer.status_code == 403


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_a_null_origin_from_elsewhere_is_refused(settings, site):
    settings.ALLOWED_HOSTS = ["testserver"]
    answer = csrf_answer(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE=site)
    assert answer is not None and answer.status_code == 403


def form_token(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the form carries no CSRF token"
    return found.group(1)


@pytest.mark.parametrize(
    ("fetch_site", "status"),
    [({"HTTP_SEC_FETCH_SITE": "same-origin"}, 200), ({}, 403)]
    + [({"HTTP_SEC_FETCH_SITE": site}, 403) for site in ("cross-site", "same-site", "none")],
)
@pytest.mark.parametrize("secure", [False, True])
def test_the_return_form_posted_with_a_null_origin(tree, fetch_site, status, secure):
    """End to end through the whole middleware chain, with a real token from the real form."""
    client = Client(enforce_csrf_checks=True)
    token = form_token(client, "/en/return/")
    response = client.post(
        "/en/return/",
        {"receipt": "0000", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        secure=secure,
        **fetch_site,
    )
    assert response.status_code == status
    if status == 403:
        assert "The form has expired" in response.content.decode()


def test_django_csrf_middleware_stays_in_place(settings):
    chain = settings.MIDDLEWARE
    position = chain.index("django.middleware.csrf.CsrfViewMiddleware")
    assert chain[position - 1] == "hotline.middleware.null_origin_by_fetch_metadata"
