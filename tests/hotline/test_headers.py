import pytest
from django.test import Client

from tests.conftest import signed_in_client


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/", "/en/", "/staff/login/"])
def test_public_pages_carry_strict_headers(db, path):
    response = Client().get(path)
    assert response.status_code == 200
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    # Nothing may come from another origin.
    assert all(src in {"'self'", "'none'"} for sources in csp.values() for src in sources)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_public_pages_set_no_cookie_and_run_no_script(db):
    response = Client().get("/")
    assert not response.cookies
    assert "<script" not in response.content.decode()


def test_staff_pages_are_never_cached(counselor):
    response = signed_in_client(counselor).get("/staff/")
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(db):
    response = Client().get("/static/css/hotline.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_cookies_are_strict(counselor, settings):
    response = Client().post("/staff/login/", {"username": counselor.username, "password": "x"})
    csrf = Client().get("/staff/login/").cookies["csrftoken"]
    assert csrf["samesite"] == "Strict"
    assert csrf["httponly"]
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_SAMESITE == "Strict"


def test_a_stale_form_gets_a_friendly_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/staff/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()
