"""Where a report goes when it names the powerful, whoever takes it down (docs/architecture.md
§1)."""

from collections.abc import Sequence

from cases.report_fields import ABOUT_ORGANISATION, EXECUTIVE_INVOLVED, NAMED_STAFF, YES
from cases.services import case_readers
from core.models import Organisation, User


def ancestors_nearest_first(organisation: Organisation) -> list[Organisation]:
    ancestors = []
    above = organisation.parent
    while above is not None:
        ancestors.append(above)
        above = above.parent
    return ancestors


def powerful_report_target(organisation: Organisation) -> Organisation | None:
    """Where a report naming the head or counselors of `organisation` goes: the nearest
    organisation above it that can receive cases. The organisation itself when nothing is
    above it (the people named are still kept from the report); None when organisations are
    above it but none can receive yet."""
    ancestors = ancestors_nearest_first(organisation)
    if not ancestors:
        return organisation
    return next((a for a in ancestors if case_readers(a).anyone), None)


def report_route(
    *,
    organisation: Organisation,
    body: dict[str, str],
    executive_involved: bool,
    excluded: Sequence[User],
) -> tuple[Organisation, dict[str, str]]:
    """The organisation that handles a report and its body as stored: a report naming the head
    of the organisation or one of its counselors goes to the nearest organisation above that
    can receive it, and the body says whom it named and which organisation it is about.

    When none above can receive, it goes to the parent, where case_create refuses it (so
    nothing is stored and the reporter is told), rather than back to the people it names."""
    body = dict(body)
    if executive_involved:
        body[EXECUTIVE_INVOLVED.name] = YES
    if excluded:
        body[NAMED_STAFF.name] = ", ".join(u.get_full_name() or u.username for u in excluded)
    if (executive_involved or excluded) and organisation.parent is not None:
        body[ABOUT_ORGANISATION.name] = f"{organisation.name_th} ({organisation.code})"
        return powerful_report_target(organisation) or organisation.parent, body
    return organisation, body
