import base64
from datetime import timedelta

import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from audit.models import Action, Event
from cases.keys import key_open
from cases.models import StaffKey
from cases.selectors import case_content
from core import crypto
from core.models import Role
from counselors.keysession import COOKIE_NAME, SESSION_KEY
from tests.cases.factories import endorse, new_report, organisation_with_kit, staff_with_key
from tests.conftest import signed_in_client
from tests.factories import PASSWORD


def test_first_sign_in_creates_a_sealed_key_pair(make_staff):
    user = make_staff(Role.SUPERVISOR)
    signed_in_client(user)
    staff_key = StaffKey.objects.get(user=user)
    private_hex = bytes(staff_key.sealed_private).hex()
    assert len(bytes(staff_key.public)) == 32
    assert Event.objects.filter(action=Action.STAFF_KEY_CREATED, actor=user).count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):  # a fresh TOTP step
        signed_in_client(user)
    assert StaffKey.objects.get(user=user).public == staff_key.public
    assert bytes(StaffKey.objects.get(user=user).sealed_private).hex() == private_hex


def test_the_session_holds_the_key_in_two_halves(make_staff):
    user = make_staff(Role.SUPERVISOR)
    client = signed_in_client(user)
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    sealed = base64.b64decode(session[SESSION_KEY])
    aad = f"session-key:{user.pk}".encode()
    opened = crypto.unseal(base64.urlsafe_b64decode(cookie.value), sealed, aad=aad)
    assert crypto.public_key_derive(opened) == bytes(StaffKey.objects.get(user=user).public)
    # The session store alone: no cookie key. The cookie alone: nothing to open.
    assert cookie.value not in str(session.items())
    assert bytes(StaffKey.objects.get(user=user).sealed_private) != sealed


def test_logout_clears_both_halves(make_staff):
    user = make_staff(Role.SUPERVISOR)
    client = signed_in_client(user)
    session_key = client.cookies["sessionid"].value
    response = client.post("/staff/logout/")
    assert response.cookies[COOKIE_NAME].value == ""
    assert not SessionStore(session_key=session_key).exists(session_key)


def test_a_wrong_password_opens_nothing(db):
    organisation, _ = organisation_with_kit()
    user, _ = staff_with_key(Role.SUPERVISOR, organisation)
    staff_key = StaffKey.objects.get(user=user)
    wrong = crypto.argon2id(
        b"wrong password", bytes(staff_key.salt), crypto.Argon2Params(**staff_key.kdf)
    )
    try:
        crypto.unseal(wrong, bytes(staff_key.sealed_private), aad=f"staff-key:{user.pk}".encode())
    except crypto.CryptoError:
        pass
    else:
        raise AssertionError("a wrong password opened the private key")


def test_a_password_change_keeps_access(make_staff):
    organisation, _ = organisation_with_kit()
    user = make_staff(Role.SUPERVISOR, organisation=organisation)
    client = signed_in_client(user)
    endorse(user)
    case = new_report(organisation, title="เดิม").case
    new_password = "a completely new passphrase 2569"
    response = client.post(
        "/staff/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200  # this session goes on
    from cases.staff_keys import staff_key_unlock

    unlocked = staff_key_unlock(user=user, password=new_password)
    assert not unlocked.replaced
    key = key_open(case=case, user=user, private=unlocked.private)
    assert key is not None and case_content(case=case, key=key).title == "เดิม"


def test_a_reset_password_loses_access_until_a_recovery_grant(db):
    from cases.recovery import recovery_grant
    from cases.staff_keys import staff_key_unlock
    from tests.cases.factories import KIT_PASSPHRASE

    organisation, kit = organisation_with_kit()
    user, old_private = staff_with_key(Role.SUPERVISOR, organisation)
    case = new_report(organisation).case
    user.set_password("set by an administrator 2569")
    user.save()
    unlocked = staff_key_unlock(user=user, password="set by an administrator 2569")
    assert unlocked.replaced
    assert key_open(case=case, user=user, private=unlocked.private) is None
    assert Event.objects.filter(action=Action.STAFF_KEY_REPLACED, actor=user).exists()
    recovery_grant(organisation=organisation, user=user, kit=kit, passphrase=KIT_PASSPHRASE)
    assert key_open(case=case, user=user, private=unlocked.private) is not None
    assert key_open(case=case, user=user, private=old_private) is None


def test_a_stolen_session_cookie_without_the_key_cookie_reads_nothing(make_staff):
    from counselors.keysession import private_key_from_request

    user = make_staff(Role.SUPERVISOR)
    client = signed_in_client(user)
    thief = Client()
    thief.cookies["sessionid"] = client.cookies["sessionid"].value
    request = thief.get("/staff/").wsgi_request
    assert private_key_from_request(request) is None
    request = client.get("/staff/").wsgi_request
    assert private_key_from_request(request) is not None
