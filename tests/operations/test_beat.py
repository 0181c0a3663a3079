"""Exactly one beat: two LockedSchedulers share the database; only the lease holder sends,
and a holder that stops renewing (a crash) is replaced once its lease runs out."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import Celery

from config.beat import LEASE_NAME, LEASE_SECONDS, LockedScheduler
from core.leases import lease_holder
from tests.subprocesses import finish, start

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


class Recording(LockedScheduler):
    """Sends nothing to a broker: records which entries it would have sent."""

    producer = None

    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        self.closed = False
        super().__init__(*args, **kwargs)

    def close(self):
        self.closed = True
        super().close()

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.sent.append(entry.name)


@pytest.fixture
def app():
    app = Celery("beat-test", set_as_current=False)
    app.conf.timezone = "Asia/Bangkok"
    app.conf.result_expires = None
    app.conf.beat_schedule = {
        "every-10s": {"task": "core.tasks.sessions_clear_task", "schedule": timedelta(seconds=10)}
    }
    return app


def run(scheduler: Recording) -> None:
    """What beat's loop does at one moment: tick until nothing more is due now."""
    for _ in range(10):
        if scheduler.tick() > 0:
            return


@pytest.fixture
def beats(app, tmp_path):
    """Two beats started one after the other; the first takes the lease."""
    with time_machine.travel(T0, tick=False):
        first = Recording(app=app, schedule_filename=str(tmp_path / "a"))
        second = Recording(app=app, schedule_filename=str(tmp_path / "b"))
        run(first)
        run(second)
    yield first, second
    for scheduler in (first, second):
        if not scheduler.closed:
            scheduler._store.close()  # as a crashed beat would leave it: the lease stays


def test_only_the_holder_sends(beats):
    first, second = beats
    for seconds in (11, 22, 33):
        with time_machine.travel(T0 + timedelta(seconds=seconds), tick=False):
            run(second)
            run(first)
            assert lease_holder(name=LEASE_NAME) == first.holder
    assert first.sent == ["every-10s"] * 3
    assert second.sent == []


def test_a_crashed_holder_is_replaced_once_its_lease_expires(beats):
    first, second = beats
    with time_machine.travel(T0 + timedelta(seconds=11), tick=False):
        run(first)
    # The first beat dies here: it never ticks (nor closes) again.
    with time_machine.travel(T0 + timedelta(seconds=11 + LEASE_SECONDS - 1), tick=False):
        run(second)
        assert second.sent == []  # the lease still runs
    with time_machine.travel(T0 + timedelta(seconds=12 + LEASE_SECONDS), tick=False):
        run(second)
        assert second.sent == ["every-10s"]
        assert lease_holder(name=LEASE_NAME) == second.holder
    # Should the first come back, it finds the lease taken and idles.
    with time_machine.travel(T0 + timedelta(seconds=30 + LEASE_SECONDS), tick=False):
        run(first)
        run(second)
    assert first.sent == ["every-10s"]
    assert second.sent == ["every-10s"] * 2


def test_a_beat_that_stops_cleanly_hands_over_at_once(beats):
    first, second = beats
    with time_machine.travel(T0 + timedelta(seconds=11), tick=False):
        first.close()
        run(second)
    assert second.sent == ["every-10s"]
    assert first.sent == []


def test_production_beat_uses_it(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:LockedScheduler"


RACE = """
import sys, django
django.setup()
from core.leases import lease_hold
print(lease_hold(name="race", holder=sys.argv[1], seconds=60))
"""


@pytest.mark.django_db(transaction=True)
def test_beats_starting_together_in_other_processes_get_one_holder():
    processes = [start(RACE, f"beat-{n}") for n in range(4)]
    answers = [finish(process) for process in processes]
    assert sorted(answers) == ["False", "False", "False", "True"]
    assert lease_holder(name="race") == f"beat-{answers.index('True')}"


def test_every_scheduled_task_is_one_a_worker_knows(settings):
    # A beat entry naming a task no worker registers is sent and silently never runs: the
    # retention purge was lost that way once.
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(app.tasks) == set()
