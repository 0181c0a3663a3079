"""Every staff and administration URL against every role, from the URL configuration itself.

EXPECTED names, for each URL, the method the test uses and the roles that get through; every
other signed-in role must be refused (403, 404, or sent to sign in) and anonymous visitors sent
to sign in. A URL added without an entry here fails the test, so nobody can add a page without
deciding who may open it.
"""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import FaqEntry
from cases.services import attachment_add
from counselors.case_services import conflict_declare
from counselors.identity_services import identity_request_create, identity_request_decide
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

STAFF_NAMESPACES = ("counselors", "audit", "otpadmin", "admin")

EVERYONE = frozenset(
    {"counselor", "other_counselor", "supervisor", "custodian", "auditor", "administrator"}
)
HANDLERS = frozenset({"counselor", "supervisor"})
COUNSELORS = frozenset({"counselor", "other_counselor", "supervisor"})
ASSIGNED = frozenset({"counselor"})
SUPERVISOR = frozenset({"supervisor"})
CUSTODIAN = frozenset({"custodian"})
AUDITOR = frozenset({"auditor"})
ADMINISTRATOR = frozenset({"administrator"})
NOBODY: frozenset[str] = frozenset()

GET, POST = "get", "post"

EXPECTED: dict[str, tuple[str, frozenset[str]]] = {
    "counselors:home": (GET, EVERYONE),
    "counselors:login": (GET, EVERYONE),  # anonymous too: see ANONYMOUS_ALLOWED
    "counselors:verify": (GET, EVERYONE),
    "counselors:setup": (GET, EVERYONE),
    "counselors:logout": (POST, EVERYONE),
    "counselors:password": (GET, EVERYONE),
    "counselors:backup_codes": (POST, EVERYONE),
    "counselors:inbox": (GET, COUNSELORS),
    "counselors:intake": (GET, COUNSELORS),
    "counselors:case": (GET, HANDLERS),
    "counselors:case_declare": (GET, HANDLERS),
    "counselors:case_reply": (POST, HANDLERS),
    "counselors:case_transition": (POST, HANDLERS),
    "counselors:case_assign": (POST, SUPERVISOR),
    "counselors:case_decline": (POST, ASSIGNED),
    "counselors:legal_hold": (POST, SUPERVISOR),
    "counselors:attachment": (GET, HANDLERS),
    "counselors:identity": (GET, ASSIGNED),  # approved by a custodian in the fixture
    "counselors:identity_request": (POST, HANDLERS),
    "counselors:faq_draft": (POST, HANDLERS),
    "counselors:identity_requests": (GET, CUSTODIAN),
    "counselors:identity_request_decide": (POST, CUSTODIAN),
    "counselors:faq_drafts": (GET, COUNSELORS),
    "counselors:faq_publish": (POST, SUPERVISOR),
    "counselors:faq_withdraw": (POST, SUPERVISOR),
    # The auditor's pages (audit app).
    "counselors:audit:indicators": (GET, AUDITOR),
    "counselors:audit:export": (GET, AUDITOR),
    "counselors:audit:log": (GET, AUDITOR),
    "counselors:audit:log_verify": (POST, AUDITOR),
    "counselors:audit:log_export": (GET, AUDITOR),
    # The administration site: administrators only.
    "otpadmin:index": (GET, ADMINISTRATOR),
    "otpadmin:app_list": (GET, ADMINISTRATOR),
    "otpadmin:password_change": (GET, ADMINISTRATOR),
    "otpadmin:password_change_done": (GET, ADMINISTRATOR),
    "otpadmin:auth_user_password_change": (GET, ADMINISTRATOR),
}
ADMIN_MODELS = (
    "auth_group",
    "core_organisation",
    "cases_category",
    "cases_deadlinepolicy",
    "core_user",
    "core_sealedtotpdevice",
    "otp_static_staticdevice",
)
for _model in ADMIN_MODELS:
    for _view in ("changelist", "add", "history", "delete", "change"):
        EXPECTED[f"otpadmin:{_model}_{_view}"] = (GET, ADMINISTRATOR)
# Second-factor devices are only ever removed there (a 2FA reset), never added.
EXPECTED["otpadmin:core_sealedtotpdevice_add"] = (GET, NOBODY)
EXPECTED["otpadmin:otp_static_staticdevice_add"] = (GET, NOBODY)

# The administration site's own plumbing, which every role reaches the same way (its login
# and logout hand over to the staff sign-in; the others only redirect, serve scripts or need a
# widget's query).
SKIPPED = {
    "otpadmin:login",
    "otpadmin:logout",
    "otpadmin:jsi18n",
    "otpadmin:view_on_site",
    "otpadmin:autocomplete",  # answers 403 to anyone without a widget's query parameters
}


def staff_url_names() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name and namespace:
                yield f"{namespace}{p.name}"

    for name in walk(get_resolver().url_patterns, ""):
        if name.split(":")[0] in STAFF_NAMESPACES and name not in SKIPPED:
            yield name


def test_every_staff_url_has_an_expected_answer():
    names = set(staff_url_names())
    assert names - EXPECTED.keys() == set(), "add these URLs to EXPECTED"
    assert EXPECTED.keys() - names == set(), "these URLs are gone: drop them from EXPECTED"


def test_no_content_model_is_administered():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert {f"{m.split('_', 1)[0]}.{m.split('_', 1)[1]}" for m in ADMIN_MODELS} >= {
        label for label in registered if not label.startswith("otp_")
    }


@pytest.fixture
def world(team, report):
    case = report.case
    team.assign(case)
    conflict_declare(case=case, user=team.counselor)
    attachment = attachment_add(
        case=case,
        key=report.key,
        name="a.pdf",
        content_type="application/pdf",
        src=io.BytesIO(b"%PDF"),
    )
    approved = identity_request_create(case=case, requester=team.counselor, reason="เหตุผล")
    identity_request_decide(
        request_id=approved.pk,
        custodian=team.custodian,
        private=team.key(team.custodian),
        approve=True,
    )
    pending = identity_request_create(case=case, requester=team.supervisor, reason="เหตุผล")
    entry = FaqEntry.objects.create(
        organisation=team.organisation,
        question_th="ถาม",
        answer_th="ตอบ",
        drafted_by=team.counselor,
    )
    kwargs = {
        "case_id": case.pk,
        "attachment_uid": attachment.uid,
        "request_id": pending.pk,
        "entry_id": entry.pk,
        "object_id": team.organisation.pk,
        "id": team.administrator.pk,
        "app_label": "cases",
        "name": "all",
        "fmt": "csv",
    }
    return team, kwargs


def url_for(name: str, sample: dict[str, Any]) -> str:
    return reverse(name, kwargs={k: sample[k] for k in _params(name)})


def _params(name: str) -> list[str]:
    for kwargs_try in (
        [],
        ["case_id"],
        ["case_id", "attachment_uid"],
        ["request_id"],
        ["entry_id"],
        ["object_id"],
        ["id"],
        ["app_label"],
        ["name", "fmt"],
    ):
        try:
            reverse(name, kwargs={k: _PROBE[k] for k in kwargs_try})
        except Exception:  # noqa: S112 -- trying each shape of arguments in turn
            continue
        return kwargs_try
    raise AssertionError(f"cannot build a URL for {name}")


_PROBE = {
    "case_id": 1,
    "attachment_uid": "00000000-0000-0000-0000-000000000000",
    "request_id": 1,
    "entry_id": 1,
    "object_id": 1,
    "id": 1,
    "app_label": "cases",
    "name": "received",
    "fmt": "csv",
}


def sent_to_sign_in(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.split("?")[0].endswith(
        ("/staff/login/", "/admin/login/")
    )


def refused(response) -> bool:
    return response.status_code in (403, 404) or sent_to_sign_in(response)


def let_through(response) -> bool:
    if response.status_code >= 500 or response.status_code in (403, 404, 405):
        return False
    return not sent_to_sign_in(response)


def test_anonymous_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    _, sample = world
    client = Client()
    for name in sorted(staff_url_names()):
        method, _ = EXPECTED[name]
        response = getattr(client, method)(url_for(name, sample))
        if name == "counselors:login":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, name
            assert response.headers["Location"].endswith("/staff/login/"), name


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_gets_exactly_its_pages(world, role):
    team, sample = world
    client = signed_in_client(getattr(team, role))
    wrong = []
    # Sign-out goes last: it ends the session the other requests need.
    for name in sorted(staff_url_names(), key=lambda n: n == "counselors:logout"):
        method, allowed = EXPECTED[name]
        response = getattr(client, method)(url_for(name, sample))
        ok = let_through(response) if role in allowed else refused(response)
        if not ok:
            wrong.append((name, response.status_code, response.headers.get("Location")))
    assert wrong == [], "\n".join(map(str, wrong))
