import pytest

from audit.models import Action, Event
from cases.keys import key_open
from cases.models import Case, CaseKeyWrap, WrapPurpose
from cases.selectors import case_content, identity_read
from cases.services import CaseUnreadable
from core.models import Role
from tests.cases.factories import new_report, organisation_with_kit, staff_with_key
from tests.factories import OrganisationFactory


class TestCaseCreate:
    def test_the_supervisor_reads_it_and_other_staff_cannot(self, db):
        organisation, _ = organisation_with_kit()
        supervisor, supervisor_key = staff_with_key(Role.SUPERVISOR, organisation)
        counselor, counselor_key = staff_with_key(Role.COUNSELOR, organisation)
        elsewhere, elsewhere_key = staff_with_key(Role.SUPERVISOR, OrganisationFactory())
        case = new_report(organisation, title="ชื่อเรื่อง").case

        key = key_open(case=case, user=supervisor, private=supervisor_key)
        assert key is not None
        assert case_content(case=case, key=key).title == "ชื่อเรื่อง"
        assert key_open(case=case, user=counselor, private=counselor_key) is None
        assert key_open(case=case, user=elsewhere, private=elsewhere_key) is None

    def test_a_counselor_with_another_counselors_wrap_gets_nothing(self, db):
        organisation, _ = organisation_with_kit()
        supervisor, _ = staff_with_key(Role.SUPERVISOR, organisation)
        counselor, counselor_key = staff_with_key(Role.COUNSELOR, organisation)
        case = new_report(organisation).case
        # Copy the supervisor's wrap onto the counselor: it is sealed to the wrong key.
        wrap = CaseKeyWrap.objects.get(case=case, user=supervisor)
        CaseKeyWrap.objects.create(case=case, purpose="case", user=counselor, wrapped=wrap.wrapped)
        assert key_open(case=case, user=counselor, private=counselor_key) is None

    def test_it_is_wrapped_to_the_recovery_key_and_never_to_excluded_people(self, db):
        organisation, _ = organisation_with_kit()
        boss, _ = staff_with_key(Role.SUPERVISOR, organisation)
        other, _ = staff_with_key(Role.SUPERVISOR, organisation)
        case = new_report(organisation, excluded=[boss]).case
        wraps = CaseKeyWrap.objects.filter(case=case)
        assert set(wraps.values_list("user", flat=True)) == {other.pk, None}
        assert wraps.filter(recovery_key__organisation=organisation).count() == 1
        assert list(case.exclusions.values_list("user", flat=True)) == [boss.pk]

    def test_it_refuses_a_case_no_one_could_read(self, db):
        with pytest.raises(CaseUnreadable):
            new_report(OrganisationFactory())
        assert Case.objects.count() == 0

    def test_it_is_audited_without_content(self, db):
        organisation, _ = organisation_with_kit()
        case = new_report(organisation, title="ความลับ").case
        event = Event.objects.get(action=Action.CASE_CREATED)
        assert (event.object_id, event.organisation_id) == (str(case.pk), organisation.pk)
        assert "ความลับ" not in str(event.details)

    def test_identity_goes_to_custodians_only(self, db):
        organisation, _ = organisation_with_kit()
        supervisor, supervisor_key = staff_with_key(Role.SUPERVISOR, organisation)
        custodian, custodian_key = staff_with_key(Role.CUSTODIAN, organisation)
        case = new_report(organisation, identity={"name": "นางสาวผู้แจ้ง"}).case
        assert not case.is_anonymous
        assert identity_read(case=case, user=custodian, private=custodian_key) == {
            "name": "นางสาวผู้แจ้ง"
        }
        assert identity_read(case=case, user=supervisor, private=supervisor_key) is None
        assert not CaseKeyWrap.objects.filter(
            case=case, purpose=WrapPurpose.IDENTITY, user=supervisor
        ).exists()
        # The custodian holds the identity key, not the case key.
        assert key_open(case=case, user=custodian, private=custodian_key) is None
