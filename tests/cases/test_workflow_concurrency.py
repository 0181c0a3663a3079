from cases.models import Case, State
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.subprocesses import finish, start

ACT = """
import sys, django
django.setup()
from cases.workflow import StaleCase, case_transition
from core.models import User
case_id, user_id, version, key = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
try:
    case_transition(case_id=case_id, name="acknowledge", actor=User.objects.get(pk=user_id),
                    version=version, key=bytes.fromhex(key))
    print("won")
except StaleCase:
    print("lost: stale")
"""


def test_two_processes_acting_on_one_case_one_wins(transactional_db):
    organisation, _ = organisation_with_kit()
    supervisor, _ = staff_with_key(Role.SUPERVISOR, organisation)
    created = new_report(organisation)
    args = (str(created.case.pk), str(supervisor.pk), "0", created.key.hex())
    first, second = start(ACT, *args), start(ACT, *args)
    results = sorted([finish(first), finish(second)])
    assert results[1] == "won"
    assert results[0] == "lost: stale"
    case = Case.objects.get(pk=created.case.pk)
    assert (case.state, case.version) == (State.ACKNOWLEDGED, 1)
