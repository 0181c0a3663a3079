"""Staged rotation: hosts restarted one by one never refuse a receipt or a TOTP code; the
subject key never rotates (README, "Keys on several hosts"; core.keyring)."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp

from cases.models import Finding
from cases.receipts import receipt_open
from cases.workflow import subject_pseudonym
from core import crypto
from core import keyring as keyring_module
from core.crypto import labels
from core.keyring import parse_keyring
from core.lib.fiscal import FiscalYear
from core.models import SealedTOTPDevice
from core.totp_secrets import totp_secret_new
from indicators.engine import Scope
from indicators.figures import indicators_report
from tests.audit.indicator_fixtures import at, category, org, register_row
from tests.cases.factories import new_report, organisation_with_kit
from tests.factories import UserFactory


def rotate(path: Path, purpose: str, *flags: str) -> None:
    call_command("keys_rotate", purpose, *flags, "--path", str(path))


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    """The key files a rolling rotation of hmac and totp goes through: the old one, the
    staged one (copied to every host), then the activated one (copied again)."""
    old, staged, active = (tmp_path / f"{n}.json" for n in ("old", "staged", "active"))
    call_command("keys_create", "--path", str(old))
    shutil.copy(old, staged)
    for purpose in ("hmac", "totp"):
        rotate(staged, purpose, "--stage")
    shutil.copy(staged, active)
    for purpose in ("hmac", "totp"):
        rotate(active, purpose, "--activate")
    return {"old": old, "staged": staged, "active": active}


@pytest.fixture
def host(settings):
    """Switch the process to another host's key file, as that host's restart would."""

    def on(path: Path) -> None:
        settings.HOTLINE_KEYS_FILE = path
        keyring_module.keyring.cache_clear()

    yield on
    keyring_module.keyring.cache_clear()


# The hosts that run side by side: during the restart onto the staged file, then during the
# restart onto the activated one.
SIDE_BY_SIDE = [("old", "staged"), ("staged", "old"), ("staged", "active"), ("active", "staged")]


def test_a_staged_key_reads_but_does_not_write(files):
    old = parse_keyring(json.loads(files["old"].read_text()))
    staged = parse_keyring(json.loads(files["staged"].read_text()))
    active = parse_keyring(json.loads(files["active"].read_text()))
    assert staged.current_hmac == old.current_hmac
    assert staged.current_totp == old.current_totp
    assert [k.kid for k in staged.hmac] == [active.current_hmac.kid, old.current_hmac.kid]
    assert active.current_hmac.kid != old.current_hmac.kid
    assert active.hmac[1] == old.current_hmac  # still read with


@pytest.mark.parametrize(("writer", "reader"), SIDE_BY_SIDE)
def test_a_receipt_issued_on_one_host_opens_on_the_other(db, files, host, writer, reader):
    host(files["old"])
    organisation, _ = organisation_with_kit()
    host(files[writer])
    created = new_report(organisation)
    host(files[reader])
    assert receipt_open(created.receipt.display) == (created.case, created.key)


def test_without_staging_the_old_host_refuses_the_new_hosts_receipts(db, files, host, tmp_path):
    """What staging prevents: a key that writes before every host reads with it."""
    at_once = tmp_path / "at-once.json"
    shutil.copy(files["old"], at_once)
    rotate(at_once, "hmac")
    host(files["old"])
    organisation, _ = organisation_with_kit()
    host(at_once)
    created = new_report(organisation)
    host(files["old"])
    assert receipt_open(created.receipt.display) is None


@pytest.mark.parametrize(("writer", "reader"), SIDE_BY_SIDE)
def test_a_totp_code_is_accepted_on_both_hosts(db, files, host, writer, reader):
    host(files[writer])
    secret = totp_secret_new()
    device = SealedTOTPDevice(user=UserFactory(), name="app", confirmed=True)
    device.secret_set(secret)
    device.save()
    for current in (reader, writer, reader):  # verifying may reseal under that host's writer
        host(files[current])
        device = SealedTOTPDevice.objects.get(pk=device.pk)
        device.last_t = -1  # the next code the app shows, not a replay of this one
        assert device.verify_token(f"{totp(secret):06d}"), current


def test_activate_needs_a_staged_key_and_stage_only_one(tmp_path):
    path = tmp_path / "keys.json"
    call_command("keys_create", "--path", str(path))
    with pytest.raises(CommandError, match="no hmac key is staged"):
        rotate(path, "hmac", "--activate")
    rotate(path, "hmac", "--stage")
    with pytest.raises(CommandError, match="staged already"):
        rotate(path, "hmac", "--stage")


class TestSubjectKey:
    def test_keys_rotate_refuses_it(self, tmp_path):
        path = tmp_path / "keys.json"
        call_command("keys_create", "--path", str(path))
        before = path.read_text()
        with pytest.raises(CommandError, match="never rotated"):
            rotate(path, "subject")
        assert path.read_text() == before

    def test_one_person_stays_one_violator_across_an_hmac_rotation(
        self, db, host, settings, tmp_path
    ):
        # Through the settings fixture, as `host` is: a decorator's override would be
        # undone before the fixture's and leak into later tests.
        settings.HOTLINE_SUPPRESSION_THRESHOLD = 1
        path = tmp_path / "keys.json"
        call_command("keys_create", "--path", str(path))
        host(path)
        organisation, corruption = org(), category(is_corruption=True)
        scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569), now=at(2026, 10, 15))

        def found_responsible(name: str, day: int) -> None:
            register_row(
                organisation, date(2026, 1, day), category=corruption,
                finding=Finding.SUBSTANTIATED, subject_pseudonym=subject_pseudonym(name),
            )  # fmt: skip

        found_responsible("Somchai Jaidee", 5)
        assert indicators_report(scope)[0]["distinct_violators"].value == 1
        before = keyring_module.keyring().current_hmac
        rotate(path, "hmac")
        host(path)  # the restart
        assert keyring_module.keyring().current_hmac != before
        found_responsible("  somchai JAIDEE ", 6)
        assert indicators_report(scope)[0]["distinct_violators"].value == 1

    def test_an_older_file_gains_the_current_hmac_key_as_its_subject_key(self, host, tmp_path):
        path = tmp_path / "keys.json"
        call_command("keys_create", "--path", str(path))
        data = json.loads(path.read_text())
        del data["subject"]
        path.write_text(json.dumps(data))
        hmac = parse_keyring({**data, "subject": data["hmac"]}).current_hmac
        # What release 0.2.0 stored: the pseudonym under the hmac key.
        released = f"{hmac.kid}:{crypto.mac(hmac.secret, labels.subject_mac('somchai'))}"
        host(path)
        assert subject_pseudonym("Somchai") == released
        rotate(path, "hmac")
        host(path)
        assert subject_pseudonym("Somchai") == released

    def test_production_refuses_an_older_file_until_keys_complete(self, host, settings, tmp_path):
        settings.HOTLINE_KEYS_GENERATE = False
        path = tmp_path / "keys.json"
        call_command("keys_create", "--path", str(path))
        data = json.loads(path.read_text())
        del data["subject"]
        path.write_text(json.dumps(data))
        host(path)
        with pytest.raises(Exception, match="keys_complete"):
            keyring_module.keyring()
        call_command("keys_complete", "--path", str(path))
        host(path)
        assert keyring_module.keyring().subject.secret == keyring_module.keyring().hmac[0].secret


def test_keys_rotate_hmac_on_an_older_file_keeps_the_pseudonyms(tmp_path):
    """Rotating before anything filled the subject key in: it is taken from the hmac key
    that was current before the rotation, not the new one."""
    path = tmp_path / "keys.json"
    call_command("keys_create", "--path", str(path))
    data = json.loads(path.read_text())
    del data["subject"]
    path.write_text(json.dumps(data))
    rotate(path, "hmac", "--stage")
    ring = parse_keyring(json.loads(path.read_text()))
    assert (ring.subject.kid, ring.subject.secret) == (
        data["hmac"][0]["kid"],
        parse_keyring({**data, "subject": data["hmac"]}).current_hmac.secret,
    )
