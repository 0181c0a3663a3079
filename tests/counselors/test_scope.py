import pytest

from core.models import Organisation, OrganisationType, Role
from core.selectors import organisations_in_scope
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def tree(db) -> dict[str, Organisation]:
    province = OrganisationFactory(code="P", type=OrganisationType.PROVINCE)
    district = OrganisationFactory(code="D", type=OrganisationType.DISTRICT, parent=province)
    town = OrganisationFactory(code="M", parent=district)
    village = OrganisationFactory(code="S", type=OrganisationType.SAO, parent=district)
    elsewhere = OrganisationFactory(code="X", type=OrganisationType.PROVINCE)
    return {"P": province, "D": district, "M": town, "S": village, "X": elsewhere}


def codes(user) -> set[str]:
    return set(organisations_in_scope(user).values_list("code", flat=True))


class TestScope:
    @pytest.mark.parametrize("role", [Role.COUNSELOR, Role.SUPERVISOR, Role.CUSTODIAN])
    def test_case_roles_reach_only_their_organisation(self, tree, role):
        assert codes(UserFactory(role=role, organisation=tree["D"])) == {"D"}

    def test_auditors_reach_their_subtree(self, tree):
        assert codes(UserFactory(role=Role.AUDITOR, organisation=tree["D"])) == {"D", "M", "S"}
        assert codes(UserFactory(role=Role.AUDITOR, organisation=tree["P"])) == {"P", "D", "M", "S"}

    def test_national_administrators_reach_everything(self, tree):
        admin = UserFactory(role=Role.ADMINISTRATOR, organisation=None)
        assert codes(admin) == {"P", "D", "M", "S", "X"}

    def test_moving_a_branch_moves_its_subtree(self, tree):
        tree["D"].parent = tree["X"]
        tree["D"].save()
        auditor = UserFactory(role=Role.AUDITOR, organisation=tree["X"])
        assert codes(auditor) == {"X", "D", "M", "S"}
        assert codes(UserFactory(role=Role.AUDITOR, organisation=tree["P"])) == {"P"}

    def test_an_organisation_cannot_sit_below_itself(self, tree):
        from django.core.exceptions import ValidationError

        tree["P"].parent = tree["M"]
        with pytest.raises(ValidationError):
            tree["P"].full_clean()

    def test_staff_other_than_administrators_need_an_organisation(self, db):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            UserFactory(role=Role.COUNSELOR, organisation=None)

    def test_the_workspace_lists_the_scope(self, tree, make_staff):
        from tests.conftest import signed_in_client

        auditor = make_staff(Role.AUDITOR, organisation=tree["D"])
        page = signed_in_client(auditor).get("/en/staff/").content.decode()
        assert tree["S"].name_en in page
        assert tree["X"].name_en not in page
