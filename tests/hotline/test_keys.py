import base64
import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from audit.models import Action
from audit.selectors import chain_verify
from audit.services import checkpoint_create, event_record
from core import keyring as keyring_module
from core.keyring import new_keyfile, parse_keyring


@pytest.fixture
def keyfile(tmp_path, settings):
    path = tmp_path / "keys.json"
    settings.HOTLINE_KEYS_FILE = path
    keyring_module.keyring.cache_clear()
    yield path
    keyring_module.keyring.cache_clear()


class TestKeysCreate:
    def test_it_writes_a_private_file(self, keyfile):
        call_command("keys_create")
        assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
        ring = parse_keyring(json.loads(keyfile.read_text()))
        assert ring.current_signing.kid.startswith("sig-")
        assert len(ring.current_hmac.secret) == 32
        assert ring.current_totp.kid.startswith("totp-")
        assert len(ring.current_totp.secret) == 32

    def test_it_never_overwrites(self, keyfile):
        call_command("keys_create")
        before = keyfile.read_text()
        with pytest.raises(CommandError):
            call_command("keys_create")
        assert keyfile.read_text() == before


class TestKeysRotate:
    def test_old_checkpoints_still_verify_after_rotation(self, keyfile, db):
        call_command("keys_create")
        event_record(action=Action.LOGOUT)
        old = checkpoint_create()
        call_command("keys_rotate", "signing")
        keyring_module.keyring.cache_clear()
        new = checkpoint_create()
        assert new.key_id != old.key_id
        assert chain_verify(extra_checkpoints=[old.as_dict()]).ok

    def test_a_retired_key_no_longer_vouches(self, keyfile, db):
        call_command("keys_create")
        event_record(action=Action.LOGOUT)
        old = checkpoint_create()
        data = json.loads(keyfile.read_text())
        call_command("keys_rotate", "signing")
        data = json.loads(keyfile.read_text())
        data["signing"] = data["signing"][:1]
        keyfile.write_text(json.dumps(data))
        keyring_module.keyring.cache_clear()
        report = chain_verify(extra_checkpoints=[old.as_dict()])
        assert not report.ok
        assert "signature" in report.problem


class TestTotpKey:
    """Key files made before TOTP secrets were sealed have no "totp" purpose."""

    @staticmethod
    def older_file(keyfile) -> dict:
        call_command("keys_create")
        data = json.loads(keyfile.read_text())
        del data["totp"]
        keyfile.write_text(json.dumps(data))
        return data

    def test_development_adds_it_and_keeps_the_other_keys(self, keyfile):
        before = self.older_file(keyfile)
        ring = keyring_module.keyring()
        after = json.loads(keyfile.read_text())
        assert {k: after[k] for k in before} == before
        assert after["totp"][0]["kid"] == ring.current_totp.kid

    def test_production_refuses_to_start_without_it(self, keyfile, settings):
        settings.HOTLINE_KEYS_GENERATE = False
        before = self.older_file(keyfile)
        with pytest.raises(ImproperlyConfigured, match="keys_rotate totp"):
            keyring_module.keyring()
        assert json.loads(keyfile.read_text()) == before

    def test_keys_rotate_adds_it_to_an_older_file(self, keyfile):
        self.older_file(keyfile)
        call_command("keys_rotate", "totp")
        assert parse_keyring(json.loads(keyfile.read_text())).current_totp.kid.startswith("totp")

    def test_rotation_keeps_the_old_totp_key(self, keyfile):
        call_command("keys_create")
        old = parse_keyring(json.loads(keyfile.read_text())).current_totp
        call_command("keys_rotate", "totp")
        ring = parse_keyring(json.loads(keyfile.read_text()))
        assert ring.current_totp.kid != old.kid
        assert ring.totp_key(old.kid) == old


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"signing": [], "hmac": []},
        {"signing": [{"kid": "s", "ed25519": "AAAA"}], "hmac": [{"kid": "h", "key": "AAAA"}]},
        {**new_keyfile(), "totp": []},
        {**new_keyfile(), "totp": [{"kid": "t", "key": "AAAA"}]},
    ],
)
def test_malformed_key_files_are_refused(data):
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(data)


class TestFingerprint:
    def test_it_names_the_keys_and_their_roles_and_no_secret(self, keyfile):
        call_command("keys_create")
        data = json.loads(keyfile.read_text())
        fingerprint = parse_keyring(data).fingerprint
        assert fingerprint == parse_keyring(json.loads(keyfile.read_text())).fingerprint
        secrets_ = [e.get("key") or e.get("ed25519") for p in data.values() for e in p]
        for secret in secrets_:
            raw = base64.b64decode(secret)
            assert raw.hex()[:8] not in fingerprint.replace("-", "") and secret not in fingerprint
        call_command("keys_rotate", "hmac", "--stage")
        staged = parse_keyring(json.loads(keyfile.read_text())).fingerprint
        call_command("keys_rotate", "hmac", "--activate")
        active = parse_keyring(json.loads(keyfile.read_text())).fingerprint
        assert len({fingerprint, staged, active}) == 3

    def test_the_same_key_id_with_another_secret_differs(self, keyfile):
        call_command("keys_create")
        data = json.loads(keyfile.read_text())
        other = json.loads(json.dumps(data))
        other["totp"][0]["key"] = base64.b64encode(b"\x01" * 32).decode()
        assert parse_keyring(data).fingerprint != parse_keyring(other).fingerprint


class TestRetiredSigningKeys:
    """A retired key's public half still vouches for what it signed, and signs nothing."""

    def test_a_public_only_entry_verifies_its_checkpoints(self, keyfile, db):
        call_command("keys_create")
        event_record(action=Action.LOGOUT)
        old = checkpoint_create()
        call_command("keys_rotate", "signing")
        data = json.loads(keyfile.read_text())
        public = parse_keyring(data).signing[1].public_hex
        data["signing"][1] = {"kid": old.key_id, "ed25519_public": public}
        keyfile.write_text(json.dumps(data))
        keyring_module.keyring.cache_clear()
        assert chain_verify(extra_checkpoints=[old.as_dict()]).ok
        assert keyring_module.keyring().signing_key(old.key_id) is None  # cannot sign

    def test_another_public_key_under_its_id_does_not_vouch(self, keyfile, db):
        call_command("keys_create")
        event_record(action=Action.LOGOUT)
        old = checkpoint_create()
        call_command("keys_rotate", "signing")
        data = json.loads(keyfile.read_text())
        stranger = parse_keyring(new_keyfile()).current_signing.public_hex
        data["signing"][1] = {"kid": old.key_id, "ed25519_public": stranger}
        keyfile.write_text(json.dumps(data))
        keyring_module.keyring.cache_clear()
        report = chain_verify(extra_checkpoints=[old.as_dict()])
        assert not report.ok and "signature" in report.problem

    def test_a_file_of_public_signing_keys_only_is_refused(self):
        data = new_keyfile()
        public = parse_keyring(data).current_signing.public_hex
        data["signing"] = [{"kid": "sig-old", "ed25519_public": public}]
        with pytest.raises(ImproperlyConfigured, match="signing"):
            parse_keyring(data)
