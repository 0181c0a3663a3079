import pytest
from django.db import DatabaseError, connection, transaction

from audit.lib.chain import GENESIS, ChainRow, chain_hash
from audit.models import Action, Event
from audit.services import event_record
from tests.factories import OrganisationFactory, UserFactory

DB_REFUSALS = DatabaseError


class TestEventRecord:
    def test_it_chains_events(self, db):
        first = event_record(action=Action.LOGIN_FAILED)
        second = event_record(action=Action.LOGOUT)
        assert (first.seq, second.seq) == (1, 2)
        assert first.prev_hash == GENESIS
        assert second.prev_hash == first.hash
        row = ChainRow(
            *Event.objects.filter(seq=2)
            .values_list(
                "seq",
                "created",
                "actor_id",
                "action",
                "organisation_id",
                "object_type",
                "object_id",
                "details",
                "prev_hash",
                "hash",
            )
            .get()
        )
        assert chain_hash(row) == second.hash

    def test_it_records_actor_organisation_and_target(self, db):
        org = OrganisationFactory()
        user = UserFactory(organisation=org)
        event = event_record(action=Action.LOGOUT, actor=user, organisation=org, target=org)
        assert (event.actor_id, event.organisation_id) == (user.pk, org.pk)
        assert (event.object_type, event.object_id) == ("core.organisation", str(org.pk))

    @pytest.mark.parametrize("details", [{"f": 1.5}, {"b": b"bytes"}, {"s": "x" * 3000}])
    def test_it_refuses_details_that_cannot_hash_stably(self, db, details):
        with pytest.raises(ValueError):
            event_record(action=Action.LOGOUT, details=details)
        assert Event.objects.count() == 0

    def test_it_rolls_back_with_the_callers_transaction(self, db):
        with pytest.raises(RuntimeError), transaction.atomic():
            event_record(action=Action.LOGOUT)
            raise RuntimeError("the surrounding work failed")
        assert event_record(action=Action.LOGOUT).seq == 1


class TestAppendOnly:
    def test_it_rejects_update(self, db):
        event = event_record(action=Action.LOGOUT)
        with pytest.raises(DB_REFUSALS), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(action="auth.login")
        assert Event.objects.get().action == Action.LOGOUT

    def test_it_rejects_delete(self, db):
        event_record(action=Action.LOGOUT)
        with pytest.raises(DB_REFUSALS), transaction.atomic():
            Event.objects.all().delete()
        assert Event.objects.count() == 1

    def test_it_rejects_raw_sql_update(self, db):
        event_record(action=Action.LOGOUT)
        with pytest.raises(DB_REFUSALS), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_event SET details = '{}'")


def test_it_refuses_an_unknown_action(db):
    with pytest.raises(ValueError):
        event_record(action="made.up")  # type: ignore[arg-type]
    assert Event.objects.count() == 0
