"""A small organisation with one person in each role, keys made, and a report in it."""

from dataclasses import dataclass, field

import pytest

from cases.assignment import case_assign
from cases.models import Case
from cases.services import NewCase
from cases.staff_keys import staff_key_endorse, staff_key_unlock
from core.models import Organisation, Role, User
from tests.cases.factories import new_report, organisation_with_kit
from tests.factories import PASSWORD


@dataclass
class Team:
    organisation: Organisation
    supervisor: User
    counselor: User
    other_counselor: User
    custodian: User
    auditor: User
    administrator: User
    keys: dict[int, bytes] = field(default_factory=dict)

    def key(self, user: User) -> bytes:
        return self.keys[user.pk]

    def assign(self, case: Case, counselor: User | None = None) -> Case:
        return case_assign(
            case_id=case.pk,
            counselor=counselor or self.counselor,
            supervisor=self.supervisor,
            private=self.key(self.supervisor),
        )


@pytest.fixture
def team(make_staff) -> Team:
    organisation, _ = organisation_with_kit()

    def person(role: Role, **kwargs) -> User:
        return make_staff(role, organisation=organisation, **kwargs)

    people = Team(
        organisation=organisation,
        supervisor=person(Role.SUPERVISOR, first_name="Supa", last_name="Visor"),
        counselor=person(Role.COUNSELOR, first_name="Somchai", last_name="Counsel"),
        other_counselor=person(Role.COUNSELOR, first_name="Other", last_name="Counsel"),
        custodian=person(Role.CUSTODIAN),
        auditor=person(Role.AUDITOR),
        administrator=make_staff(Role.ADMINISTRATOR, organisation=None),
    )
    for user in (
        people.supervisor,
        people.counselor,
        people.other_counselor,
        people.custodian,
        people.auditor,
    ):
        people.keys[user.pk] = staff_key_unlock(user=user, password=PASSWORD).private
        staff_key_endorse(user=user, via="test")
    return people


@pytest.fixture
def report(team) -> NewCase:
    return new_report(
        team.organisation,
        title="ฮั้วประมูลถนนสายหลัก",
        body={"what": "ผู้เสนอราคาสามรายเป็นญาติกัน", "who": "นายก"},
        identity={"name": "สมศรี ผู้แจ้ง", "phone": "0812345678"},
    )
