"""Every staff and administration URL against every role, from the URL configuration itself,
with the expected answer computed from cases/policy.py.

GUARDS maps each URL name to the method the test uses and the policy questions that guard it:
the page's predicate of the person alone (refused: 403), then the record's (a record out of
reach: 404; in reach but not theirs: 403), asked of the fixture's case, file, identity
request and FAQ entry. That is the refusal rule of cases/policy.py's docstring, so a rule
changed there changes what this test expects, in one place. The test asserts the exact
status, so a view that forgets its check (or refuses with the other code) fails it. A URL
added without an entry here fails too: nobody can add a page without deciding who may open
it. Anonymous visitors are sent to sign in everywhere but the sign-in page.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases import policy
from cases.models import Attachment, Case, FaqEntry, IdentityRequest
from cases.services import attachment_add
from core.models import User
from counselors.case_services import conflict_declare
from counselors.identity_services import identity_request_create, identity_request_decide
from tests.conftest import signed_in_client
from tests.counselors.team import Team

pytestmark = pytest.mark.django_db

STAFF_NAMESPACES = ("counselors", "audit", "otpadmin", "admin")
ROLES = ("counselor", "other_counselor", "supervisor", "custodian", "auditor", "administrator")

GET, POST = "get", "post"
ALLOWED, SIGN_IN = "allowed", "sent to sign in"
Answer = int | str


@dataclass(frozen=True)
class World:
    """The fixture's records, assigned to `counselor` who declared no conflict; the identity
    request of `counselor` is approved, the one of `supervisor` pending."""

    team: Team
    case: Case
    attachment: Attachment
    pending: IdentityRequest
    entry: FaqEntry


Check = tuple[Callable[[User, World], bool], int]


@dataclass(frozen=True)
class Guard:
    page: Callable[[Any], bool]
    checks: tuple[Check, ...] = ()
    refusal: Answer = 403  # how the page's own refusal looks (the admin site: sign in)

    def answer(self, user: User, world: World) -> Answer:
        if not self.page(user):
            return self.refusal
        for check, status in self.checks:
            if not check(user, world):
                return status
        return ALLOWED


def anyone(user: Any) -> bool:
    return True


# A case's pages: in reach (else 404), then a key to it (else 403).
IN_REACH: Check = (lambda u, w: policy.may_see_case(u, w.case), 404)
READS: Check = (lambda u, w: policy.may_read_case(u, w.case), 403)
ON_CASE = (IN_REACH, READS)
HANDLER_ON_CASE = Guard(policy.may_handle_cases, ON_CASE)
SUPERVISOR_ON_CASE = Guard(policy.may_supervise, ON_CASE)
ADMINISTRATOR = Guard(policy.may_administer, refusal=SIGN_IN)

GUARDS: dict[str, tuple[str, Guard]] = {
    "counselors:home": (GET, Guard(anyone)),
    "counselors:login": (GET, Guard(anyone)),  # anonymous too: see ANONYMOUS_ALLOWED
    "counselors:verify": (GET, Guard(anyone)),
    "counselors:setup": (GET, Guard(anyone)),
    "counselors:logout": (POST, Guard(anyone)),
    "counselors:password": (GET, Guard(anyone)),
    "counselors:backup_codes": (POST, Guard(anyone)),
    "counselors:inbox": (GET, Guard(policy.may_handle_cases)),
    "counselors:intake": (GET, Guard(policy.may_file_intake)),
    "counselors:case": (GET, HANDLER_ON_CASE),
    "counselors:case_declare": (GET, HANDLER_ON_CASE),
    "counselors:case_reply": (POST, HANDLER_ON_CASE),
    "counselors:case_transition": (POST, HANDLER_ON_CASE),
    "counselors:case_assign": (POST, SUPERVISOR_ON_CASE),
    "counselors:case_decline": (
        POST,
        Guard(policy.may_hand_back, (*ON_CASE, (lambda u, w: policy.may_decline(u, w.case), 403))),
    ),
    "counselors:legal_hold": (POST, SUPERVISOR_ON_CASE),
    "counselors:attachment": (GET, HANDLER_ON_CASE),
    "counselors:identity": (
        GET,
        Guard(
            policy.may_handle_cases,
            (*ON_CASE, (lambda u, w: policy.may_read_identity(u, w.case), 404)),
        ),
    ),
    # Whether this reader may ask, or draft an entry from this case, is the service's say:
    # refused on the case page itself (409, 400), with the reason.
    "counselors:identity_request": (POST, HANDLER_ON_CASE),
    "counselors:faq_draft": (POST, HANDLER_ON_CASE),
    "counselors:identity_requests": (GET, Guard(policy.may_decide_identity_requests)),
    "counselors:identity_request_decide": (
        POST,
        Guard(
            policy.may_decide_identity_requests,
            ((lambda u, w: policy.may_see_identity_request(u, w.pending), 404),),
        ),
    ),
    "counselors:faq_drafts": (GET, Guard(policy.may_handle_cases)),
    "counselors:faq_publish": (
        POST,
        Guard(policy.may_publish_faq, ((lambda u, w: policy.may_see_faq_entry(u, w.entry), 404),)),
    ),
    "counselors:faq_withdraw": (
        POST,
        Guard(policy.may_publish_faq, ((lambda u, w: policy.may_see_faq_entry(u, w.entry), 404),)),
    ),
    # The auditor's pages (audit app).
    "counselors:audit:indicators": (GET, Guard(policy.may_see_dashboard)),
    "counselors:audit:export": (GET, Guard(policy.may_see_dashboard)),
    "counselors:audit:log": (GET, Guard(policy.may_see_log)),
    "counselors:audit:log_verify": (POST, Guard(policy.may_see_log)),
    "counselors:audit:log_export": (GET, Guard(policy.may_see_log)),
    # The administration site: administrators only; it sends anyone else to sign in.
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
        GUARDS[f"otpadmin:{_model}_{_view}"] = (GET, ADMINISTRATOR)
# Second-factor devices are only ever removed there (a 2FA reset), never added: the site
# refuses even an administrator.
NEVER_ADDED = Guard(policy.may_administer, ((lambda u, w: False, 403),), refusal=SIGN_IN)
GUARDS["otpadmin:core_sealedtotpdevice_add"] = (GET, NEVER_ADDED)
GUARDS["otpadmin:otp_static_staticdevice_add"] = (GET, NEVER_ADDED)

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
    assert names - GUARDS.keys() == set(), "add these URLs to GUARDS"
    assert GUARDS.keys() - names == set(), "these URLs are gone: drop them from GUARDS"


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
    case = Case.objects.get(pk=case.pk)  # as the views will load it, assignee and all
    return World(team=team, case=case, attachment=attachment, pending=pending, entry=entry)


def sample_of(world: World) -> dict[str, Any]:
    return {
        "case_id": world.case.pk,
        "attachment_uid": world.attachment.uid,
        "request_id": world.pending.pk,
        "entry_id": world.entry.pk,
        "object_id": world.team.organisation.pk,
        "id": world.team.administrator.pk,
        "app_label": "cases",
        "name": "all",
        "fmt": "csv",
    }


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


def matches(response, expected: Answer) -> bool:
    if expected == ALLOWED:
        return let_through(response)
    if expected == SIGN_IN:
        return sent_to_sign_in(response)
    return response.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    sample = sample_of(world)
    client = Client()
    for name in sorted(staff_url_names()):
        method, _ = GUARDS[name]
        response = getattr(client, method)(url_for(name, sample))
        if name == "counselors:login":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, name
            assert response.headers["Location"].endswith("/staff/login/"), name


def expected_answers(world: World, role: str) -> dict[str, Answer]:
    """What cases/policy.py says each URL must answer this role on the fixture's records."""
    user = getattr(world.team, role)
    return {name: guard.answer(user, world) for name, (_, guard) in GUARDS.items()}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages(world, role):
    sample = sample_of(world)
    expected = expected_answers(world, role)
    client = signed_in_client(getattr(world.team, role))
    wrong = []
    # Sign-out goes last: it ends the session the other requests need.
    for name in sorted(staff_url_names(), key=lambda n: n == "counselors:logout"):
        method, _ = GUARDS[name]
        response = getattr(client, method)(url_for(name, sample))
        if not matches(response, expected[name]):
            got = (response.status_code, response.headers.get("Location"))
            wrong.append((name, "expected", expected[name], "got", *got))
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_fixture_exercises_every_answer(world):
    """Each page is opened by someone and refused with each code by someone else, so the
    matrix above tests the checks rather than a world where every answer is the same."""
    answers = {role: expected_answers(world, role) for role in ROLES}
    for name in GUARDS:
        if GUARDS[name][1] is not NEVER_ADDED:
            assert any(answers[role][name] == ALLOWED for role in ROLES), name
    case_page = {answers[role]["counselors:case"] for role in ROLES}
    assert case_page == {ALLOWED, 403}
    assert answers["other_counselor"]["counselors:case"] == 403  # in reach, no key
    assert answers["supervisor"]["counselors:identity"] == 404  # no custodian opened it
    assert answers["custodian"]["counselors:case"] == 403  # a page the role never has


@pytest.mark.parametrize("role", ROLES)
def test_a_case_that_does_not_exist_answers_as_one_out_of_reach(world, role):
    """Trying case numbers tells nothing: 403 where the role never has the page, else 404."""
    user = getattr(world.team, role)
    client = signed_in_client(user)
    sample = {**sample_of(world), "case_id": world.case.pk + 1000}
    for name, (method, guard) in GUARDS.items():
        if "case_id" not in _params(name):
            continue
        response = getattr(client, method)(url_for(name, sample))
        assert response.status_code == (404 if guard.page(user) else 403), (name, role)
