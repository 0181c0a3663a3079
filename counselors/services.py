"""Staff sign-in: password, then a TOTP or backup code, each throttled per account."""

import time
from datetime import timedelta

import django_otp
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from audit.models import Action
from audit.services import event_record
from cases.staff_keys import staff_key_reseal, staff_key_unlock
from core.lib.throttle import backoff_seconds
from core.models import SealedTOTPDevice, User
from core.totp_secrets import totp_secret_new
from counselors.keysession import private_key_drop, private_key_hold

BACKUP_CODE_COUNT = 10
SESSION_STARTED_KEY = "hotline_auth_started"
# The only devices that count as a second factor. Not django-otp's plain TOTPDevice: its secret
# sits readable in the database, so one created by stray code must not open a session.
SECOND_FACTOR_DEVICES: tuple[type[Device], ...] = (SealedTOTPDevice, StaticDevice)


def _failure_register(user: User) -> None:
    User.objects.filter(pk=user.pk).update(login_failures=F("login_failures") + 1)
    user.refresh_from_db(fields=["login_failures"])
    delay = backoff_seconds(
        user.login_failures,
        free=settings.HOTLINE_LOGIN_FREE_FAILURES,
        base=settings.HOTLINE_LOGIN_BASE_DELAY_SECONDS,
        cap=settings.HOTLINE_LOGIN_MAX_DELAY_SECONDS,
    )
    if delay:
        blocked_until = timezone.now() + timedelta(seconds=delay)
        User.objects.filter(pk=user.pk).update(login_blocked_until=blocked_until)


def staff_authenticate(*, request: HttpRequest, username: str, password: str) -> User | None:
    """The user whose password this is, or None. Callers show one message for every failure."""
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if (
            user is not None
            and user.login_blocked_until
            and user.login_blocked_until > timezone.now()
        ):
            event_record(action=Action.LOGIN_THROTTLED, actor=user, organisation=user.organisation)
            return None
        authenticated = auth.authenticate(request, username=username, password=password)
        if not isinstance(authenticated, User):
            if user is not None:
                _failure_register(user)
            # An unknown name is recorded without the name: it may be a mistyped password.
            event_record(
                action=Action.LOGIN_FAILED,
                actor=user,
                organisation=user.organisation if user else None,
            )
            return None
        User.objects.filter(pk=authenticated.pk).update(login_failures=0, login_blocked_until=None)
        return authenticated


def staff_login(*, request: HttpRequest, user: User, password: str) -> None:
    """First factor passed: a fresh session (new key) that reaches only the 2FA pages, and
    the person's private key unlocked with the password and held for the session."""
    with transaction.atomic():
        auth.login(request, user)
        request.session[SESSION_STARTED_KEY] = int(time.time())
        event_record(action=Action.LOGIN_SUCCEEDED, actor=user, organisation=user.organisation)
        private_key_hold(request, staff_key_unlock(user=user, password=password).private)


def _second_factor_login(request: HttpRequest, device: Device) -> None:
    # A new session key at each privilege step defeats session fixation; the data stays.
    request.session.cycle_key()
    django_otp.login(request, device)


def _second_factor_match(user: User, token: str) -> Device | None:
    """django_otp.match_token, over SECOND_FACTOR_DEVICES only; the caller holds a transaction
    so that the locked rows keep concurrent attempts from both using one code."""
    for model in SECOND_FACTOR_DEVICES:
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(token):
                return device
    return None


def staff_otp_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Second factor: a TOTP code or a single-use backup code. Devices throttle their failures."""
    with transaction.atomic():
        device = _second_factor_match(user, token.strip().replace(" ", ""))
        if device is None:
            event_record(action=Action.OTP_FAILED, actor=user, organisation=user.organisation)
            return False
        _second_factor_login(request, device)
        action = (
            Action.BACKUP_CODE_USED if isinstance(device, StaticDevice) else Action.OTP_VERIFIED
        )
        event_record(action=action, actor=user, organisation=user.organisation)
        return True


def enrolment_window_open(request: HttpRequest) -> bool:
    started = request.session.get(SESSION_STARTED_KEY, 0)
    return time.time() - started <= settings.HOTLINE_ENROLMENT_WINDOW_SECONDS


def totp_device_create(*, user: User, confirmed: bool) -> SealedTOTPDevice:
    """A new authenticator with a fresh random secret, sealed under the newest key."""
    device = SealedTOTPDevice(user=user, name="authenticator", confirmed=confirmed)
    device.secret_set(totp_secret_new())
    device.save()
    return device


def totp_enrolment_start(*, user: User) -> SealedTOTPDevice:
    """The unconfirmed device a user is setting up, created once and reused until confirmed."""
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is not None and not device.secret_opens():
        # Sealed under a key since retired: nobody can have scanned a usable code from it.
        device.delete()
        device = None
    if device is None:
        device = totp_device_create(user=user, confirmed=False)
    return device


def backup_codes_issue(*, user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set, returned once for display."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        event_record(action=Action.BACKUP_CODES_ISSUED, actor=user, organisation=user.organisation)
        return codes


def totp_enrolment_confirm(
    *, request: HttpRequest, user: User, device: SealedTOTPDevice, token: str
) -> list[str] | None:
    """Confirm the device with a code from the app; returns the new backup codes, or None."""
    with transaction.atomic():
        if not device.verify_token(token.strip().replace(" ", "")):
            event_record(action=Action.OTP_FAILED, actor=user, organisation=user.organisation)
            return None
        SealedTOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _second_factor_login(request, device)
        event_record(action=Action.OTP_ENROLLED, actor=user, organisation=user.organisation)
        return backup_codes_issue(user=user)


def staff_password_change(*, request: HttpRequest, user: User, old: str, new: str) -> None:
    """A new password; the same key pair, resealed; this session kept, all others ended."""
    with transaction.atomic():
        staff_key_reseal(user=user, old_password=old, new_password=new)
        user.set_password(new)
        user.save(update_fields=["password"])
        auth.update_session_auth_hash(request, user)
        event_record(action=Action.PASSWORD_CHANGED, actor=user, organisation=user.organisation)


def staff_logout(*, request: HttpRequest, expired: bool = False) -> None:
    user = request.user
    with transaction.atomic():
        if isinstance(user, User):
            event_record(
                action=Action.SESSION_EXPIRED if expired else Action.LOGOUT,
                actor=user,
                organisation=user.organisation,
            )
        private_key_drop(request)
        auth.logout(request)
