"""Who handles a case: a supervisor assigns it to a counselor of the organisation, and the
case key goes with it (docs/architecture.md §3: the key is wrapped only to those who may read the
case).

The server never holds a case key of its own: the supervisor's unlocked private key opens
their wrap, and the key is wrapped anew to the counselor's public key. A reassignment takes
the previous counselor's wraps (case and, if one was approved, identity) away.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_record
from cases.keys import key_grant, key_open, key_revoke
from cases.models import (
    AuthorSide,
    Case,
    CaseExclusion,
    StaffKey,
    Visibility,
    WrapPurpose,
)
from cases.notifications import case_supervisors, notification_queue
from cases.policy import may_assign, may_decline, supervises
from cases.services import message_add
from core.models import Role, User


class AssignmentRefused(Exception):
    """The assignment or decline is not allowed; the message says why, for the page."""


def assignable_counselors(case: Case) -> list[User]:
    """Active counselors of the case's organisation who have a key pair and are not named
    in the report."""
    return list(
        User.objects.filter(
            organisation_id=case.organisation_id,
            role=Role.COUNSELOR,
            is_active=True,
            staff_key__isnull=False,
        )
        .exclude(pk__in=CaseExclusion.objects.filter(case=case).values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def case_assign(*, case_id: int, counselor: User, supervisor: User, private: bytes) -> Case:
    """Give the case to `counselor`, re-wrapping its key with the supervisor's key."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if not supervises(supervisor, case):
            raise AssignmentRefused(
                _("Only a supervisor of the organisation can assign this case.")
            )
        if not may_assign(supervisor, case):  # it ended (or was purged) meanwhile
            raise AssignmentRefused(_("An ended case cannot be assigned."))
        if counselor.pk not in {u.pk for u in assignable_counselors(case)}:
            raise AssignmentRefused(_("This counselor cannot be given this case."))
        key = key_open(case=case, user=supervisor, private=private)
        if key is None:
            raise AssignmentRefused(
                _("Your key does not open this case, so you cannot pass it on.")
            )
        previous_id = case.assignee_id
        if previous_id == counselor.pk:
            return case
        if previous_id is not None:
            # The previous counselor loses the case key and any identity key they were given.
            key_revoke(case=case, user=previous_id)
        staff_key = StaffKey.objects.get(user=counselor)
        key_grant(case=case, purpose=WrapPurpose.CASE, key=key, recipients=[staff_key])
        Case.objects.filter(pk=case.pk).update(assignee=counselor)
        case.assignee = counselor
        notification_queue(recipient=counselor, case=case)
        event_record(
            action=Action.CASE_ASSIGNED,
            actor=supervisor,
            organisation=case.organisation,
            target=case,
            details={"assignee": counselor.pk, "previous": previous_id},
        )
    return case


def case_decline(
    *, case_id: int, counselor: User, private: bytes, reason: str, conflict: bool = False
) -> Case:
    """The assigned counselor hands the case back, with a reason kept as an encrypted
    internal note. With `conflict`, they are also kept out of the case from now on."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if not may_decline(counselor, case):
            raise AssignmentRefused(_("This case is not assigned to you."))
        key = key_open(case=case, user=counselor, private=private)
        if key is None:
            raise AssignmentRefused(_("Your key does not open this case."))
        message_add(
            case=case,
            key=key,
            side=AuthorSide.COUNSELOR,
            author=counselor,
            body=reason,
            visibility=Visibility.INTERNAL,
        )
        key_revoke(case=case, user=counselor)
        Case.objects.filter(pk=case.pk).update(assignee=None)
        case.assignee = None
        if conflict:
            CaseExclusion.objects.get_or_create(case=case, user=counselor)
        for supervisor in case_supervisors(case):
            notification_queue(recipient=supervisor, case=case)
        event_record(
            action=Action.CASE_DECLINED,
            actor=counselor,
            organisation=case.organisation,
            target=case,
            details={"conflict": conflict},
        )
    return case
