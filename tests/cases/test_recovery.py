import json
import stat

import pytest
from django.core.management import CommandError, call_command

from audit.models import Action, Event
from cases.keys import key_open
from cases.models import CaseKeyWrap, RecoveryKey
from cases.selectors import identity_read
from cases.staff_keys import staff_key_unlock
from core.models import Role
from tests.cases.factories import KIT_PASSPHRASE, new_report, staff_with_key
from tests.factories import OrganisationFactory


@pytest.fixture
def passphrase(monkeypatch):
    answers = {"value": KIT_PASSPHRASE}
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers["value"])
    return answers


@pytest.fixture
def kit_file(db, tmp_path, passphrase):
    organisation = OrganisationFactory(code="M1")
    path = tmp_path / "kit.json"
    call_command("recovery_kit_create", org="M1", out=path)
    return organisation, path


class TestRecoveryKitCreate:
    def test_it_writes_the_private_half_only_to_the_kit(self, kit_file):
        organisation, path = kit_file
        kit = json.loads(path.read_text())
        key = RecoveryKey.objects.get(organisation=organisation, is_active=True)
        assert kit["kid"] == key.kid
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "private" not in {f.name for f in RecoveryKey._meta.get_fields()}
        assert Event.objects.filter(action=Action.RECOVERY_KIT_CREATED).count() == 1

    def test_it_never_overwrites_a_kit(self, kit_file):
        _, path = kit_file
        with pytest.raises(CommandError, match="never overwritten"):
            call_command("recovery_kit_create", org="M1", out=path)

    def test_it_refuses_a_short_passphrase(self, db, tmp_path, passphrase):
        OrganisationFactory(code="M2")
        passphrase["value"] = "short"
        with pytest.raises(CommandError, match="12 characters"):
            call_command("recovery_kit_create", org="M2", out=tmp_path / "k.json")
        assert not (tmp_path / "k.json").exists()


class TestRecoveryGrant:
    def test_a_new_supervisor_gets_every_case(self, kit_file):
        organisation, path = kit_file
        staff_with_key(Role.SUPERVISOR, organisation)
        cases = [new_report(organisation).case for _ in range(3)]
        newcomer, private = staff_with_key(Role.SUPERVISOR, organisation)
        call_command("recovery_grant", org="M1", user=newcomer.username, kit=path)
        assert all(key_open(case=c, user=newcomer, private=private) for c in cases)
        event = Event.objects.get(action=Action.RECOVERY_GRANTED)
        assert event.details["granted"] == 3

    def test_a_counselor_gets_back_only_what_they_held(self, kit_file):
        organisation, path = kit_file
        staff_with_key(Role.SUPERVISOR, organisation)
        counselor, _ = staff_with_key(Role.COUNSELOR, organisation)
        theirs, other = new_report(organisation).case, new_report(organisation).case
        recovery = CaseKeyWrap.objects.get(case=theirs, recovery_key__isnull=False)
        CaseKeyWrap.objects.create(
            case=theirs, purpose="case", user=counselor, key_generation=1, wrapped=recovery.wrapped
        )  # stale wrap
        counselor.set_password("reset by an administrator 1")
        counselor.save()
        private = staff_key_unlock(user=counselor, password="reset by an administrator 1").private
        call_command("recovery_grant", org="M1", user=counselor.username, kit=path)
        assert key_open(case=theirs, user=counselor, private=private) is not None
        assert key_open(case=other, user=counselor, private=private) is None

    def test_a_custodian_gets_identities(self, kit_file):
        organisation, path = kit_file
        staff_with_key(Role.SUPERVISOR, organisation)
        case = new_report(organisation, identity={"name": "ผู้แจ้ง"}).case
        custodian, private = staff_with_key(Role.CUSTODIAN, organisation)
        assert identity_read(case=case, user=custodian, private=private) is None
        call_command("recovery_grant", org="M1", user=custodian.username, kit=path)
        assert identity_read(case=case, user=custodian, private=private) == {"name": "ผู้แจ้ง"}

    def test_a_wrong_passphrase_grants_nothing(self, kit_file, passphrase):
        organisation, path = kit_file
        staff_with_key(Role.SUPERVISOR, organisation)
        new_report(organisation)
        newcomer, _ = staff_with_key(Role.SUPERVISOR, organisation)
        passphrase["value"] = "not the passphrase at all"
        with pytest.raises(CommandError, match="wrong passphrase"):
            call_command("recovery_grant", org="M1", user=newcomer.username, kit=path)
        assert not CaseKeyWrap.objects.filter(user=newcomer).exists()

    def test_a_kit_of_another_organisation_is_refused(self, kit_file):
        _, path = kit_file
        elsewhere = OrganisationFactory(code="X9")
        stranger, _ = staff_with_key(Role.SUPERVISOR, elsewhere)
        with pytest.raises(CommandError, match="belong to this organisation"):
            call_command("recovery_grant", org="X9", user=stranger.username, kit=path)

    def test_an_altered_kit_is_refused(self, kit_file):
        organisation, path = kit_file
        newcomer, _ = staff_with_key(Role.SUPERVISOR, organisation)
        kit = json.loads(path.read_text())
        kit["sealed_private"] = kit["sealed_private"][:-8] + "AAAAAAA="
        path.write_text(json.dumps(kit))
        with pytest.raises(CommandError):
            call_command("recovery_grant", org="M1", user=newcomer.username, kit=path)


def test_a_grant_never_gives_a_case_that_names_the_person(kit_file):
    organisation, path = kit_file
    staff_with_key(Role.SUPERVISOR, organisation)
    named, private = staff_with_key(Role.SUPERVISOR, organisation)
    case = new_report(organisation, excluded=[named]).case
    call_command("recovery_grant", org="M1", user=named.username, kit=path)
    assert key_open(case=case, user=named, private=private) is None
