from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import Action, Event
from core.models import User
from tests.conftest import signed_in_client, totp_now
from tests.factories import PASSWORD, UserFactory

GENERIC = "Sign-in failed. Check your details and try again later."


def login(client: Client, username: str, password: str):
    return client.post("/en/staff/login/", {"username": username, "password": password})


class TestLogin:
    def test_it_sends_a_user_with_a_device_to_the_code_step(self, counselor):
        client = Client()
        response = login(client, counselor.username, PASSWORD)
        assert response.headers["Location"] == "/en/staff/login/verify/"
        assert Event.objects.filter(action=Action.LOGIN_SUCCEEDED, actor=counselor).exists()

    def test_it_gives_one_message_for_every_failure(self, counselor):
        wrong_password = login(Client(), counselor.username, "not the password")
        unknown_user = login(Client(), "nobody", PASSWORD)
        for response in (wrong_password, unknown_user):
            assert response.status_code == 200
            assert GENERIC in response.content.decode()
        assert Event.objects.filter(action=Action.LOGIN_FAILED).count() == 2
        # The unknown name is not written down: it could be someone's mistyped password.
        assert "nobody" not in str(list(Event.objects.values_list("details", flat=True)))

    def test_it_throttles_per_account(self, counselor, settings):
        settings.HOTLINE_LOGIN_FREE_FAILURES = 3
        for _ in range(3):
            login(Client(), counselor.username, "wrong")
        # Now even the right password is refused, with the same message.
        response = login(Client(), counselor.username, PASSWORD)
        assert GENERIC in response.content.decode()
        assert Event.objects.filter(action=Action.LOGIN_THROTTLED).count() == 1
        # Another account is not affected.
        other = UserFactory()
        assert login(Client(), other.username, PASSWORD).status_code == 302

    def test_the_wait_ends_and_doubles(self, counselor, settings):
        settings.HOTLINE_LOGIN_FREE_FAILURES = 1
        settings.HOTLINE_LOGIN_BASE_DELAY_SECONDS = 60
        login(Client(), counselor.username, "wrong")
        counselor.refresh_from_db()
        first_wait = counselor.login_blocked_until - timezone.now()
        with time_machine.travel(counselor.login_blocked_until, tick=False):
            login(Client(), counselor.username, "wrong")
            counselor.refresh_from_db()
            assert (counselor.login_blocked_until - timezone.now()).total_seconds() == 120
        assert 55 < first_wait.total_seconds() <= 60
        with time_machine.travel(counselor.login_blocked_until, tick=False):
            assert login(Client(), counselor.username, PASSWORD).status_code == 302
        counselor.refresh_from_db()
        assert counselor.login_failures == 0

    def test_it_rotates_the_session_key(self, counselor):
        client = Client()
        client.get("/staff/login/")
        before = client.cookies.get("sessionid")
        login(client, counselor.username, PASSWORD)
        after_password = client.cookies["sessionid"].value
        client.post("/staff/login/verify/", {"token": totp_now(counselor)})
        after_code = client.cookies["sessionid"].value
        assert len({before.value if before else None, after_password, after_code}) == 3


class TestSecondFactor:
    def test_it_accepts_a_totp_code(self, counselor):
        client = Client()
        login(client, counselor.username, PASSWORD)
        response = client.post("/staff/login/verify/", {"token": totp_now(counselor)})
        assert response.headers["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
        assert Event.objects.filter(action=Action.OTP_VERIFIED, actor=counselor).exists()

    def test_it_refuses_a_wrong_code(self, counselor):
        client = Client()
        login(client, counselor.username, PASSWORD)
        wrong = f"{(int(totp_now(counselor)) + 1) % 1_000_000:06d}"
        response = client.post("/en/staff/login/verify/", {"token": wrong})
        assert "That code was not accepted" in response.content.decode()
        assert client.get("/staff/").headers["Location"] == "/staff/login/verify/"
        assert Event.objects.filter(action=Action.OTP_FAILED, actor=counselor).exists()

    def test_it_throttles_codes(self, counselor):
        client = Client()
        login(client, counselor.username, PASSWORD)
        # Time stands still: on a busy machine the one-second wait could pass between posts.
        with time_machine.travel(timezone.now(), tick=False):
            client.post("/staff/login/verify/", {"token": "000000"})
            # Right after a failure the device refuses even the right code for a while.
            response = client.post("/staff/login/verify/", {"token": totp_now(counselor)})
            assert response.status_code == 200
            assert client.get("/staff/").status_code == 302

    def test_a_backup_code_works_once(self, counselor):
        from counselors.services import backup_codes_issue

        code = backup_codes_issue(user=counselor)[0]
        first = Client()
        login(first, counselor.username, PASSWORD)
        assert first.post("/staff/login/verify/", {"token": code}).status_code == 302
        assert Event.objects.filter(action=Action.BACKUP_CODE_USED).count() == 1
        second = Client()
        login(second, counselor.username, PASSWORD)
        assert second.post("/staff/login/verify/", {"token": code}).status_code == 200


class TestEnrolment:
    def test_first_login_walks_through_enrolment(self, db):
        import base64
        import re

        from django_otp.oath import totp

        user = UserFactory()
        client = Client()
        response = login(client, user.username, PASSWORD)
        assert response.headers["Location"] == "/en/staff/login/setup/"
        page = client.get("/en/staff/login/setup/").content.decode()
        assert "<svg" in page
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
        code = f"{totp(base64.b32decode(secret)):06d}"
        page = client.post("/en/staff/login/setup/", {"token": code}).content.decode()
        codes = re.findall(r"<li><code>(\w+)</code></li>", page)
        assert len(codes) == 10
        assert client.get("/staff/").status_code == 200
        assert Event.objects.filter(action=Action.OTP_ENROLLED, actor=user).exists()

    def test_a_user_with_a_device_cannot_enrol_another(self, counselor):
        client = Client()
        login(client, counselor.username, PASSWORD)
        assert client.get("/staff/login/setup/").headers["Location"] == "/staff/login/verify/"


@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/en/staff/", "/admin/core/user/"])
def test_nothing_is_reached_without_the_second_factor(counselor, path):
    client = Client()
    login(client, counselor.username, PASSWORD)
    response = client.get(path)
    assert response.status_code == 302
    assert "/staff/login/verify/" in response.headers["Location"]


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get("/staff/")
    assert response.headers["Location"] == "/staff/login/"


class TestSessions:
    def test_it_ends_after_thirty_idle_minutes(self, counselor):
        start = timezone.now()
        client = signed_in_client(counselor)
        with time_machine.travel(start + timedelta(minutes=29)):
            assert client.get("/staff/").status_code == 200
        with time_machine.travel(start + timedelta(minutes=29 + 31)):
            assert client.get("/staff/").headers["Location"] == "/staff/login/"

    def test_it_ends_after_the_absolute_lifetime(self, counselor):
        start = timezone.now()
        client = signed_in_client(counselor)
        # Busy all day: a request every twenty minutes keeps the idle timeout away.
        for minutes in range(20, 12 * 60, 20):
            with time_machine.travel(start + timedelta(minutes=minutes)):
                assert client.get("/staff/").status_code == 200, minutes
        with time_machine.travel(start + timedelta(hours=12, minutes=1)):
            response = client.get("/staff/")
        assert response.headers["Location"] == "/staff/login/"
        assert Event.objects.filter(action=Action.SESSION_EXPIRED, actor=counselor).exists()
        assert client.get("/staff/").headers["Location"] == "/staff/login/"

    def test_logout_ends_the_session(self, counselor):
        client = signed_in_client(counselor)
        assert client.post("/staff/logout/").headers["Location"] == "/"
        assert client.get("/staff/").headers["Location"] == "/staff/login/"
        assert Event.objects.filter(action=Action.LOGOUT, actor=counselor).exists()


def test_inactive_users_cannot_sign_in(counselor):
    User.objects.filter(pk=counselor.pk).update(is_active=False)
    assert GENERIC in login(Client(), counselor.username, PASSWORD).content.decode()


def test_the_code_field_lets_a_phone_type_a_backup_code():
    # Backup codes have letters: a numeric keypad could not type them.
    from counselors.forms import TokenForm

    html = str(TokenForm()["token"])
    assert "inputmode" not in html
    assert 'autocomplete="one-time-code"' in html
