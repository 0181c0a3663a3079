import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action
from audit.services import checkpoint_create, event_record
from tests.audit.tamper import sql


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def five_events(db):
    return [event_record(action=Action.LOGOUT, details={"n": n}) for n in range(5)]


class TestAuditVerify:
    def test_it_reports_count_and_head(self, five_events):
        assert verify() == f"audit chain OK: 5 events, head {five_events[-1].hash}\n"

    def test_it_passes_on_an_empty_log(self, db):
        assert "0 events" in verify()

    def test_it_locates_an_altered_event(self, five_events):
        sql("UPDATE audit_event SET details = %s WHERE seq = 3", [json.dumps({"n": 99})])
        with pytest.raises(CommandError, match=r"#3: event #3 was altered"):
            verify()

    def test_it_locates_an_altered_actor(self, five_events):
        sql("UPDATE audit_event SET action = 'auth.login' WHERE seq = 2")
        with pytest.raises(CommandError, match=r"#2"):
            verify()

    def test_it_locates_a_removed_event(self, five_events):
        sql("DELETE FROM audit_event WHERE seq = 2")
        with pytest.raises(CommandError, match=r"event #2 is missing"):
            verify()

    def test_it_locates_an_inserted_event(self, five_events):
        # An attacker renumbers the tail to make room, then inserts a forged event at #3.
        forged = five_events[2]
        sql("DELETE FROM audit_event WHERE seq >= 3")
        sql(
            "INSERT INTO audit_event (seq, created, action, object_type, object_id, details,"
            " prev_hash, hash) VALUES (3, %s, 'auth.logout', '', '', '{}', %s, %s)",
            [forged.created, forged.prev_hash, "f" * 64],
        )
        with pytest.raises(CommandError, match=r"#3"):
            verify()

    def test_it_detects_a_rehashed_forgery_against_a_checkpoint(self, five_events):
        # Rewriting the whole chain consistently beats the hashes, not the signed checkpoint.
        checkpoint_create()
        sql("DELETE FROM audit_event")
        for n in range(6):
            event_record(action=Action.LOGIN_FAILED, details={"forged": n})
        with pytest.raises(CommandError, match=r"#5: event #5 differs"):
            verify()

    def test_it_detects_removal_of_the_newest_events(self, five_events):
        checkpoint_create()  # signs #5, then records itself as #6
        sql("DELETE FROM audit_event WHERE seq >= 4")
        with pytest.raises(CommandError, match=r"ends at #3 but a checkpoint saw #5"):
            verify()

    def test_it_checks_exported_checkpoints(self, five_events, tmp_path, capsys):
        call_command("audit_checkpoint")
        exported = tmp_path / "checkpoints.jsonl"
        exported.write_text(capsys.readouterr().out)
        # The operator also wipes the checkpoint table; the exported copy still speaks.
        sql("DELETE FROM audit_checkpoint")
        sql("DELETE FROM audit_event WHERE seq >= 5")
        verify()  # nothing left in the database shows the loss...
        with pytest.raises(CommandError, match=r"events were removed"):
            call_command("audit_verify", checkpoint=[exported])  # ...the exported copy does
