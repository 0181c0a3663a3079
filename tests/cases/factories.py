from cases.models import CaseKind, Channel
from cases.recovery import recovery_kit_create
from cases.services import NewCase, case_create
from cases.staff_keys import staff_key_endorse, staff_key_unlock
from core.models import Organisation, Role, User
from tests.factories import PASSWORD, CategoryFactory, OrganisationFactory, UserFactory

KIT_PASSPHRASE = "a long recovery passphrase"


def staff_with_key(
    role: Role, organisation: Organisation, *, endorsed: bool = True, **kwargs
) -> tuple[User, bytes]:
    """A member of staff with a key pair, endorsed by the ethics committee unless told not."""
    user = UserFactory(role=role, organisation=organisation, **kwargs)
    private = staff_key_unlock(user=user, password=PASSWORD).private
    if endorsed:
        endorse(user)
    return user, private


def endorse(user: User) -> None:
    staff_key_endorse(user=user, via="test")


def organisation_with_kit() -> tuple[Organisation, dict]:
    organisation = OrganisationFactory()
    _, kit = recovery_kit_create(organisation=organisation, passphrase=KIT_PASSPHRASE)
    return organisation, kit


def new_report(organisation: Organisation, **kwargs) -> NewCase:
    defaults = {
        "kind": CaseKind.REPORT,
        "category": CategoryFactory(),
        "channel": Channel.WEB,
        "title": "ฮั้วประมูล",
        "body": {"what": "ผู้เสนอราคาเป็นญาติกัน"},
    }
    return case_create(organisation=organisation, **(defaults | kwargs))
