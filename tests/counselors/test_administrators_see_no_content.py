"""Administrators run the system but open no case content and no identity (docs/architecture.md §1,
§3)."""

import pytest
from django.contrib import admin

from cases.models import (
    Attachment,
    Case,
    CaseKeyWrap,
    ConflictDeclaration,
    Identity,
    IdentityRequest,
    IdentityRequestWrap,
    Message,
)
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        Case,
        Message,
        Attachment,
        Identity,
        CaseKeyWrap,
        IdentityRequest,
        IdentityRequestWrap,
        ConflictDeclaration,
    ],
)
def test_content_models_are_not_in_the_admin(model):
    assert not admin.site.is_registered(model)


def test_an_administrator_gets_nothing_from_any_case_or_identity_url(team, report):
    import io

    from cases.services import attachment_add
    from counselors.identity_services import identity_request_create

    attachment = attachment_add(
        case=report.case,
        key=report.key,
        name="a.pdf",
        content_type="application/pdf",
        src=io.BytesIO(b"%PDF secret"),
    )
    team.assign(report.case)
    request = identity_request_create(case=report.case, requester=team.counselor, reason="เหตุผล")
    client = signed_in_client(team.administrator)
    case_urls = [
        f"/staff/cases/{report.case.pk}/{suffix}"
        for suffix in ("", "declare/", "identity/", f"files/{attachment.uid}/")
    ]
    for url in [*case_urls, "/staff/cases/", "/staff/identity-requests/", "/staff/cases/new/"]:
        response = client.get(url)
        # A page the role never has: 403 before any record is looked up (cases/policy.py).
        assert response.status_code == 403, url
        assert "secret" not in response.content.decode(), url
    for suffix in ("reply/", "transition/", "assign/", "decline/", "identity/request/", "faq/"):
        response = client.post(f"/staff/cases/{report.case.pk}/{suffix}", {"body": "x"})
        assert response.status_code == 403, suffix
    decide = f"/staff/identity-requests/{request.pk}/decide/"
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    for path in (
        "/admin/",
        "/admin/cases/",
        "/admin/cases/case/",
        "/admin/cases/message/",
        "/admin/cases/identity/",
        "/admin/cases/casekeywrap/",
    ):
        page = client.get(path).content.decode()
        assert "ฮั้ว" not in page and "เหตุผล" not in page
    assert client.get("/admin/cases/case/").status_code == 404
    assert client.get(f"/admin/cases/case/{report.case.pk}/change/").status_code == 404
