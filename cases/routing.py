"""Where a report goes when it names the powerful, whoever takes it down (DESIGN §1)."""

from collections.abc import Sequence

from cases.models import Organisation
from counselors.models import User


def report_route(
    *,
    organisation: Organisation,
    body: dict[str, str],
    executive_involved: bool,
    excluded: Sequence[User],
) -> tuple[Organisation, dict[str, str]]:
    """The organisation that handles a report and its body as stored: a report naming the head
    of the organisation or one of its counselors goes to the parent organisation, and the body
    says whom it named and which organisation it is about."""
    body = dict(body)
    if executive_involved:
        body["executive_involved"] = "yes"
    if excluded:
        body["named_staff"] = ", ".join(u.get_full_name() or u.username for u in excluded)
    if (executive_involved or excluded) and organisation.parent is not None:
        body["about_organisation"] = f"{organisation.name_th} ({organisation.code})"
        return organisation.parent, body
    return organisation, body
