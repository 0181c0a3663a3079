"""TOTP secrets are sealed at rest under the key file's "totp" key (docs/architecture.md §3)."""

import base64
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, Event
from core import keyring as keyring_module
from core.models import SealedTOTPDevice, User
from counselors.services import totp_enrolment_start
from tests.conftest import signed_in_client, totp_device_of, totp_now
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def keyfile(tmp_path, settings):
    """A key file of the test's own, so that rotating keys touches nothing else."""
    path = tmp_path / "keys.json"
    settings.HOTLINE_KEYS_FILE = path
    keyring_module.keyring.cache_clear()
    call_command("keys_create")
    yield path
    keyring_module.keyring.cache_clear()


def rotate_totp_key() -> None:
    call_command("keys_rotate", "totp")
    keyring_module.keyring.cache_clear()  # what the restart after keys_rotate does


def password_step(user: User) -> Client:
    client = Client()
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_verified(client: Client) -> bool:
    return client.get("/staff/").status_code == 200


def enrol(user: User) -> bytes:
    """Enrol through the setup page as a person would; returns the secret the app got."""
    client = password_step(user)
    page = client.get("/en/staff/login/setup/").content.decode()
    secret = base64.b32decode(re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)[1])
    response = client.post("/en/staff/login/setup/", {"token": f"{totp(secret):06d}"})
    assert response.status_code == 200 and is_verified(client)
    return secret


def test_enrolment_then_sign_in_work_end_to_end(db):
    user = UserFactory()
    secret = enrol(user)
    assert totp_device_of(user).bin_key == secret
    # A later sign-in, with the next code of the same app (the one just used is spent).
    device = totp_device_of(user)
    SealedTOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    client = password_step(user)
    response = client.post("/staff/login/verify/", {"token": totp_now(user)})
    assert response.headers["Location"] == "/staff/"
    assert is_verified(client)


def test_a_database_dump_holds_no_secret(db):
    user = UserFactory()
    secret = enrol(user)
    forms = [secret.hex(), secret.hex().upper(), base64.b32encode(secret).decode()]
    with connection.cursor() as cursor:
        dumped = []
        for table in ("core_sealedtotpdevice", "otp_totp_totpdevice"):
            cursor.execute(f"SELECT * FROM {table}")
            dumped += cursor.fetchall()
    assert dumped  # the device is there, only not its secret
    for row in dumped:
        for value in row:
            raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            assert secret not in raw
            assert not any(form.encode() in raw for form in forms)


class TestFailsClosed:
    def test_a_tampered_secret_signs_no_one_in(self, counselor):
        device = totp_device_of(counselor)
        code = totp_now(counselor)
        sealed = bytearray(device.sealed_key)
        sealed[-1] ^= 1
        SealedTOTPDevice.objects.filter(pk=device.pk).update(sealed_key=bytes(sealed))
        self.assert_refused(counselor, code)

    def test_a_secret_moved_to_another_person_does_not_open(self, counselor, make_staff):
        other = make_staff()
        code = totp_now(counselor)
        mine = totp_device_of(counselor)
        SealedTOTPDevice.objects.filter(user=other).update(sealed_key=mine.sealed_key)
        self.assert_refused(other, code)

    def test_a_retired_key_signs_no_one_in(self, keyfile, counselor):
        code = totp_now(counselor)
        SealedTOTPDevice.objects.filter(user=counselor).update(key_id="totp-retired")
        self.assert_refused(counselor, code)

    @staticmethod
    def assert_refused(user: User, code: str) -> None:
        client = password_step(user)
        response = client.post("/en/staff/login/verify/", {"token": code})
        assert response.status_code == 200
        assert "That code was not accepted" in response.content.decode()
        assert not is_verified(client)
        assert totp_device_of(user).throttling_failure_count == 1
        assert Event.objects.filter(action=Action.OTP_FAILED, actor=user).exists()

    def test_a_plain_django_otp_device_is_no_second_factor(self, counselor):
        stray = TOTPDevice.objects.create(user=counselor, name="stray", confirmed=True)
        client = password_step(counselor)
        client.post("/staff/login/verify/", {"token": f"{totp(stray.bin_key):06d}"})
        assert not is_verified(client)


class TestRotation:
    def test_an_old_key_still_opens_and_the_next_code_reseals(self, keyfile, counselor):
        old_kid = totp_device_of(counselor).key_id
        rotate_totp_key()
        new_kid = keyring_module.keyring().current_totp.kid
        assert new_kid != old_kid
        assert totp_device_of(counselor).key_id == old_kid
        signed_in_client(counselor)
        assert totp_device_of(counselor).key_id == new_kid

    def test_the_command_reseals_every_device(self, keyfile, counselor, make_staff):
        other = make_staff()
        rotate_totp_key()
        call_command("totp_reseal")
        current = keyring_module.keyring().current_totp.kid
        for user in (counselor, other):
            assert totp_device_of(user).key_id == current
        signed_in_client(counselor)

    def test_the_command_names_devices_that_no_longer_open(self, keyfile, counselor):
        SealedTOTPDevice.objects.filter(user=counselor).update(key_id="totp-retired")
        with pytest.raises(CommandError, match=str(totp_device_of(counselor).pk)):
            call_command("totp_reseal")

    def test_an_unfinished_enrolment_under_a_retired_key_starts_again(self, keyfile, db):
        user = UserFactory()
        first = totp_enrolment_start(user=user)
        SealedTOTPDevice.objects.filter(pk=first.pk).update(key_id="totp-retired")
        again = totp_enrolment_start(user=user)
        assert again.pk != first.pk
        assert again.secret_opens()
        assert not SealedTOTPDevice.objects.filter(pk=first.pk).exists()
