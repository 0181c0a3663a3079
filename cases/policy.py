"""Who may do what: the one home of every staff permission (docs/architecture.md §1 roles,
§3 security model).

Pure predicates: they read (the person's role and organisation, the case's state, who holds
a key wrap) and never write, and they know nothing of requests. Views ask them which pages
and forms a person gets, services ask them again inside their transaction, templates only
print the booleans a view passed, and tests/counselors/test_authorisation_matrix.py derives
its expected answer for every staff URL and role from them.

One refusal rule, the same on every staff page:

- 403 for a page the person's role never has (a custodian asking for the inbox, a
  counselor for the auditor's indicators). The answer depends on no record, so it tells
  nothing about what exists.
- 404 for a record out of the person's reach: a case of another organisation, one the
  report names them in, a request or an FAQ
  entry of another organisation, an identity no custodian opened to them, a file not on the
  case. The same answer as for a record that does not exist: nobody learns by trying
  numbers.
- 403, with the reason, for a record in reach on which this act is not theirs: a case of
  their organisation they hold no key to (say, one given to another counselor), a case not
  assigned to them.

Holding a key wrap is the authorisation to read; the private key that opens it is only the
means (a locked key is a 403 that asks the person to sign in again).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cases.keys import key_held
from cases.models import (
    Case,
    CaseExclusion,
    CaseKind,
    ConflictDeclaration,
    FaqEntry,
    Identity,
    IdentityRequest,
    RequestStatus,
    State,
    WrapPurpose,
)
from cases.workflow import transitions_open_to
from core.models import Role, User

# ---- pages a role has ------------------------------------------------------------------------


def _acts_as(user: Any, *roles: Role, national: bool = False) -> bool:
    """Signed in as active staff in one of `roles`, with an organisation unless `national`."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role in roles
        and (national or user.organisation_id is not None)
    )


def may_handle_cases(user: Any) -> bool:
    """Counselors and supervisors: the inbox, filing for a caller, case pages, FAQ drafts."""
    return _acts_as(user, Role.COUNSELOR, Role.SUPERVISOR)


def may_file_intake(user: Any) -> bool:
    return may_handle_cases(user)


def may_supervise(user: Any) -> bool:
    """Supervisors: assigning, legal holds, publishing the FAQ."""
    return _acts_as(user, Role.SUPERVISOR)


def may_hand_back(user: Any) -> bool:
    """Counselors: only one to whom a case was given can hand it back."""
    return _acts_as(user, Role.COUNSELOR)


def may_decide_identity_requests(user: Any) -> bool:
    """Identity custodians: the list of requests and deciding them."""
    return _acts_as(user, Role.CUSTODIAN)


def may_see_dashboard(user: Any) -> bool:
    """Auditors: figures of their organisation's subtree, never case content."""
    return _acts_as(user, Role.AUDITOR)


def may_see_log(user: Any) -> bool:
    return _acts_as(user, Role.AUDITOR)


def may_administer(user: Any) -> bool:
    """Administrators, national or of an organisation: the administration site."""
    return _acts_as(user, Role.ADMINISTRATOR, national=True)


# ---- cases -------------------------------------------------------------------------------------


def cases_in_reach(user: Any) -> QuerySet[Case]:
    """The cases a counselor or supervisor may know exist: their organisation's, never one
    that names them; everyone else, none. Whether they may read one is the key's say."""
    if not may_handle_cases(user):
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    # A person is named in few cases: leaving out that short list is far cheaper than an
    # anti-join on every row counted and paged.
    excluded = list(CaseExclusion.objects.filter(user=user).values_list("case_id", flat=True))
    return cases.exclude(pk__in=excluded) if excluded else cases


def cases_listed_to(user: Any) -> QuerySet[Case]:
    """The inbox: a supervisor, every case in reach; a counselor, theirs and the unassigned
    ones (a case given to someone else is no longer theirs to follow)."""
    cases = cases_in_reach(user)
    if may_hand_back(user):
        cases = cases.filter(Q(assignee=user) | Q(assignee__isnull=True))
    return cases


def may_see_case(user: Any, case: Case) -> bool:
    """In reach; out of reach is a 404."""
    return cases_in_reach(user).filter(pk=case.pk).exists()


def may_read_case(user: Any, case: Case) -> bool:
    """In reach, not purged, and a key to it wrapped to them."""
    return (
        case.purged_at is None
        and may_see_case(user, case)
        and key_held(case=case, user=user, purpose=WrapPurpose.CASE)
    )


def may_reply(user: Any, case: Case) -> bool:
    return may_read_case(user, case)


def must_declare(user: Any, case: Case) -> bool:
    """A counselor declares no conflict of interest before they first read a case."""
    return (
        isinstance(user, User)
        and user.role == Role.COUNSELOR
        and not ConflictDeclaration.objects.filter(case=case, user=user).exists()
    )


def supervises(user: Any, case: Case) -> bool:
    """A supervisor of the case's organisation whom the report does not name."""
    return may_supervise(user) and may_see_case(user, case)


def may_assign(user: Any, case: Case) -> bool:
    """An ended case (docs/architecture.md §2) is not handed to anyone."""
    return supervises(user, case) and case.purged_at is None and not case.is_ended


def may_decline(user: Any, case: Case) -> bool:
    return may_hand_back(user) and case.assignee_id == user.pk


def may_hold(user: Any, case: Case) -> bool:
    return supervises(user, case) and case.purged_at is None


def may_take_transition(user: Any, case: Case, name: str) -> bool:
    return name in transitions_open_to(case, user)


def may_read_identity(user: Any, case: Case) -> bool:
    """Only a custodian's approval wraps the identity key to a handler."""
    return isinstance(user, User) and key_held(case=case, user=user, purpose=WrapPurpose.IDENTITY)


def may_request_identity(user: Any, case: Case) -> bool:
    """A reader of a case whose reporter disclosed who they are, not seeing it yet."""
    return (
        Identity.objects.filter(case=case).exists()
        and may_read_case(user, case)
        and not may_read_identity(user, case)
    )


def may_draft_faq(user: Any, case: Case) -> bool:
    """An answered question, anonymised anew, may become a public FAQ entry."""
    return (
        may_handle_cases(user)
        and case.kind == CaseKind.QUESTION
        and case.state in (State.ANSWERED, State.CLOSED)
    )


# ---- records other than cases ----------------------------------------------------------------


def may_see_faq_entry(user: Any, entry: FaqEntry) -> bool:
    return may_handle_cases(user) and entry.organisation_id == user.organisation_id


def may_publish_faq(user: Any, entry: FaqEntry | None = None) -> bool:
    """Publishing and withdrawing: a supervisor, of the entry's organisation if one is named."""
    return may_supervise(user) and (entry is None or entry.organisation_id == user.organisation_id)


def may_see_identity_request(user: Any, request: IdentityRequest) -> bool:
    return (
        may_decide_identity_requests(user) and request.case.organisation_id == user.organisation_id
    )


def may_decide_identity_request(user: Any, request: IdentityRequest) -> bool:
    """Four eyes: a custodian of the case's organisation, never on their own request."""
    return (
        may_see_identity_request(user, request)
        and request.requester_id != user.pk
        and request.status == RequestStatus.PENDING
    )


# ---- what the case page offers -----------------------------------------------------------------


@dataclass(frozen=True)
class CasePermissions:
    """The forms a reader of a case is offered, so the page never asks a role itself."""

    assign: bool
    decline: bool
    hold: bool
    read_identity: bool
    request_identity: bool
    draft_faq: bool
    transitions: tuple[str, ...]


def case_permissions(user: User, case: Case) -> CasePermissions:
    readable_identity = may_read_identity(user, case)
    return CasePermissions(
        assign=may_assign(user, case),
        decline=may_decline(user, case),
        hold=may_hold(user, case),
        read_identity=readable_identity,
        request_identity=not readable_identity and may_request_identity(user, case),
        draft_faq=may_draft_faq(user, case),
        transitions=tuple(transitions_open_to(case, user)),
    )
