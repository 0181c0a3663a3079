"""A NUL or an over-long code in a public address is a 404 on every database: PostgreSQL
refuses a NUL in text with an error, which was a 500 (issue 16, item 7)."""

import pytest
from django.test import Client

from tests.factories import OrganisationFactory

PATHS = ["/ita/{}/", "/en/ita/{}/", "/o/{}/", "/o/{}/report/", "/o/{}/question/", "/o/{}/poster/"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("code", ["%00", "M%00", "X" * 21])
def test_a_code_that_cannot_exist_is_not_found(db, path, code):
    OrganisationFactory(code="M1")
    response = Client(raise_request_exception=False).get(path.format(code))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/ita/{}/", "/o/{}/"])
def test_a_real_code_is_still_found(db, path):
    OrganisationFactory(code="M1")
    assert Client().get(path.format("M1")).status_code == 200
