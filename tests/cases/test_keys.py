"""cases.keys: granting, revoking and opening key wraps, and no other module touching them."""

import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.keys import (
    key_destroy,
    key_grant,
    key_held,
    key_open,
    key_open_many,
    key_revoke,
    reason_key_grant,
    reason_key_open,
)
from cases.models import CaseKeyWrap, IdentityRequest, StaffKey, WrapPurpose
from cases.staff_keys import staff_key_unlock
from core import crypto
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "hotline", "counselors", "indicators", "cases", "audit", "core")
# A wrap model by name, or a wrap table reached through a relation's manager.
WRAP_ACCESS = re.compile(
    r"\b(CaseKeyWrap|IdentityRequestWrap)\b|\.(key_wraps|case_key_wraps|wraps)\s*\."
)


def test_no_module_but_cases_keys_touches_a_wrap_table():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "cases/keys.py" or "/migrations/" in relative:
                continue
            if relative.startswith("cases/models/"):
                continue  # where the tables are declared
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if WRAP_ACCESS.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_sees_each_way_of_reaching_a_wrap():
    for line in (
        "CaseKeyWrap.objects.filter(case=case)",
        "from cases.models import IdentityRequestWrap",
        "case.key_wraps.all().delete()",
        "user.case_key_wraps.count()",
        "request.wraps.filter(user=user)",
    ):
        assert WRAP_ACCESS.search(line), line


def _supervisor_case():
    organisation, _ = organisation_with_kit()
    supervisor, private = staff_with_key(Role.SUPERVISOR, organisation)
    new = new_report(organisation)
    return organisation, supervisor, private, new


def test_a_grant_opens_for_the_recipient_only(db):
    organisation, _supervisor, private, new = _supervisor_case()
    counselor, counselor_private = staff_with_key(Role.COUNSELOR, organisation)
    assert key_open(case=new.case, user=counselor, private=counselor_private) is None
    assert not key_held(case=new.case, user=counselor, purpose=WrapPurpose.CASE)

    written = key_grant(
        case=new.case,
        purpose=WrapPurpose.CASE,
        key=new.key,
        recipients=[StaffKey.objects.get(user=counselor)],
    )

    assert written == 1
    assert key_open(case=new.case, user=counselor, private=counselor_private) == new.key
    assert key_held(case=new.case, user=counselor, purpose=WrapPurpose.CASE)
    assert key_open(case=new.case, user=counselor, private=private) is None  # another key
    # The case key is not the identity key: a wrap of one does not stand for the other.
    assert not key_held(case=new.case, user=counselor, purpose=WrapPurpose.IDENTITY)


def test_a_grant_replaces_a_wrap_to_an_older_key_pair(db):
    _organisation, supervisor, old_private, new = _supervisor_case()
    # An administrator's reset: the old password no longer opens, so a new pair is made.
    supervisor.set_password("a new password 1")
    supervisor.save()
    new_private = staff_key_unlock(user=supervisor, password="a new password 1").private
    assert key_open(case=new.case, user=supervisor, private=new_private) is None

    staff_key = StaffKey.objects.get(user=supervisor)
    key_grant(case=new.case, purpose=WrapPurpose.CASE, key=new.key, recipients=[staff_key])

    wraps = CaseKeyWrap.objects.filter(case=new.case, user=supervisor)
    assert [w.key_generation for w in wraps] == [staff_key.generation] == [2]
    assert key_open(case=new.case, user=supervisor, private=new_private) == new.key
    assert key_open(case=new.case, user=supervisor, private=old_private) is None


def test_revoke_takes_every_key_of_the_case_from_one_person(db):
    organisation, supervisor, private, new = _supervisor_case()
    other, other_private = staff_with_key(Role.SUPERVISOR, organisation)
    staff_key = StaffKey.objects.get(user=other)
    key_grant(case=new.case, purpose=WrapPurpose.CASE, key=new.key, recipients=[staff_key])
    key_grant(case=new.case, purpose=WrapPurpose.IDENTITY, key=new.key, recipients=[staff_key])

    assert key_revoke(case=new.case, user=other) == 2
    assert key_open(case=new.case, user=other, private=other_private) is None
    assert key_open(case=new.case, user=supervisor, private=private) == new.key


def test_destroy_leaves_no_key_to_the_case(db):
    _organisation, supervisor, private, new = _supervisor_case()
    assert key_destroy(case=new.case) == 2  # the supervisor's and the recovery key's
    assert not CaseKeyWrap.objects.filter(case=new.case).exists()
    assert key_open(case=new.case, user=supervisor, private=private) is None


def test_open_many_opens_a_page_of_keys_in_one_query(db):
    organisation, supervisor, private, _ = _supervisor_case()
    news = [new_report(organisation) for _ in range(4)]
    _stranger, stranger_private = staff_with_key(Role.SUPERVISOR, organisation)
    CaseKeyWrap.objects.filter(case=news[0].case, user=supervisor).delete()
    cases = [n.case for n in news]

    with CaptureQueriesContext(connection) as queries:
        keys = key_open_many(cases=cases, user=supervisor, private=private)

    assert len(queries) == 1
    assert keys == {n.case.pk: n.key for n in news[1:]}
    # Wraps that do not open (the stranger's key against the supervisor's) are left out.
    assert key_open_many(cases=cases, user=supervisor, private=stranger_private) == {}
    assert key_open_many(cases=[], user=supervisor, private=private) == {}


def test_a_reason_key_opens_for_its_recipients_only(db):
    organisation, supervisor, private, new = _supervisor_case()
    custodian, custodian_private = staff_with_key(Role.CUSTODIAN, organisation)
    request = IdentityRequest.objects.create(case=new.case, requester=supervisor, reason_ct=b"")
    reason_key = crypto.case_key_new()
    written = reason_key_grant(
        request=request,
        key=reason_key,
        recipients=[StaffKey.objects.get(user=custodian)],
    )

    assert written == 1
    assert reason_key_open(request=request, user=custodian, private=custodian_private) == (
        reason_key
    )
    assert reason_key_open(request=request, user=supervisor, private=private) is None
    assert reason_key_open(request=request, user=custodian, private=private) is None
