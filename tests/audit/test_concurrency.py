from audit.selectors import chain_verify
from tests.subprocesses import finish, start

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


def test_concurrent_writers_leave_one_valid_chain(transactional_db):
    writers = [start(WRITER.format(appends=APPENDS, writer=w)) for w in range(WRITERS)]
    for writer in writers:
        finish(writer)
    report = chain_verify()
    assert report.ok, report.problem
    assert report.count == WRITERS * APPENDS
