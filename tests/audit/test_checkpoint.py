import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from audit.lib.checkpoints import checkpoint_verify
from audit.models import Action, Checkpoint, Event
from audit.services import checkpoint_create, event_record
from audit.tasks import audit_checkpoint_task
from core.keyring import keyring


@pytest.fixture
def checkpoint(db) -> Checkpoint:
    event_record(action=Action.LOGOUT)
    return checkpoint_create()


class TestCheckpoint:
    def test_it_signs_the_head_and_records_itself(self, checkpoint):
        assert checkpoint.seq == 1
        assert checkpoint.head_hash == Event.objects.get(seq=1).hash
        assert Event.objects.get(seq=2).action == Action.CHECKPOINT_SIGNED

    def test_it_verifies_with_the_public_key_only(self, checkpoint):
        assert checkpoint_verify(checkpoint.as_dict(), keyring().current_signing.public_hex)

    @pytest.mark.parametrize(
        "field, value", [("seq", 2), ("head", "0" * 64), ("created", "2020-01-01T00:00:00+00:00")]
    )
    def test_it_rejects_a_tampered_checkpoint(self, checkpoint, field, value):
        data = checkpoint.as_dict() | {field: value}
        assert not checkpoint_verify(data, keyring().current_signing.public_hex)

    def test_it_rejects_another_key(self, checkpoint):
        from core import crypto

        other = crypto.signing_public_key(crypto.signing_key_new()).hex()
        assert not checkpoint_verify(checkpoint.as_dict(), other)

    def test_it_verifies_offline_without_django(self, checkpoint, tmp_path):
        path = tmp_path / "checkpoint.json"
        path.write_text(json.dumps(checkpoint.as_dict()))
        public = keyring().current_signing.public_hex
        ok = subprocess.run(
            [sys.executable, "-m", "audit.lib.checkpoints", str(path), public],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": "."},
            check=False,
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        path.write_text(json.dumps(checkpoint.as_dict() | {"seq": 7}))
        bad = subprocess.run(
            [sys.executable, "-m", "audit.lib.checkpoints", str(path), public],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": "."},
            check=False,
        )
        assert bad.returncode == 1

    def test_the_command_prints_the_public_key(self, db, capsys):
        call_command("audit_checkpoint", public_key=True)
        kid, public = capsys.readouterr().out.split()
        assert (kid, public) == (
            keyring().current_signing.kid,
            keyring().current_signing.public_hex,
        )

    def test_the_daily_task_is_scheduled_and_works(self, db, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint-daily"]
        assert schedule["task"] == audit_checkpoint_task.name
        event_record(action=Action.LOGOUT)
        assert audit_checkpoint_task.delay().get() == 1
        assert Checkpoint.objects.count() == 1
