import os

import pytest
from django.test import Client
from django_otp.oath import totp
from hypothesis import settings as hypothesis_settings

from core.models import Role, SealedTOTPDevice, User
from counselors.services import totp_device_create
from tests.factories import PASSWORD, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests: CI draws the same examples on every run, so a red build is red again when
# rerun; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) looks long and at random for new failures.
# Tests' own @settings inherit from the loaded profile and set only what they must.
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=50, deadline=None)
hypothesis_settings.register_profile("fuzz", max_examples=2_000, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def totp_device_of(user: User) -> SealedTOTPDevice:
    """The user's authenticator; its bin_key opens the sealed secret, as an app holds it."""
    return SealedTOTPDevice.objects.get(user=user, confirmed=True)


def totp_now(user: User) -> str:
    device = totp_device_of(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in_client(user: User) -> Client:
    """A client that went through password and TOTP, as a person would."""
    client = Client()
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response
    response = client.post("/staff/login/verify/", {"token": totp_now(user)})
    assert response.headers["Location"] == "/staff/", response
    return client


@pytest.fixture
def make_staff(db):
    def make(role: Role = Role.COUNSELOR, **kwargs) -> User:
        user = UserFactory(role=role, **kwargs)
        totp_device_create(user=user, confirmed=True)
        return user

    return make


@pytest.fixture
def counselor(make_staff) -> User:
    return make_staff(Role.COUNSELOR)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
