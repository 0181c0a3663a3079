import os
import subprocess
import sys

from django.db import connection

from audit.selectors import chain_verify

WRITERS = 6
APPENDS = 25

WRITER = """
import django
django.setup()
from audit.models import Action
from audit.services import event_record
for n in range({appends}):
    event_record(action=Action.LOGIN_FAILED, details={{"writer": {writer}, "n": n}})
"""


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_concurrent_writers_leave_one_valid_chain(transactional_db):
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(appends=APPENDS, writer=w)],
            env=env,
            stderr=subprocess.PIPE,
        )
        for w in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    report = chain_verify()
    assert report.ok, report.problem
    assert report.count == WRITERS * APPENDS
