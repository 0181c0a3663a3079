"""How long an ended case is kept, and what stops it going.

Every ended case (ENDED_STATES: a rejected or referred report too, not only a closed one) is
purged once its organisation's retention period, in calendar years, has run from the day it
ended; one the reporter wrote on since waits for its supervisors' decision. Supervisors are
told, without any content, at least NOTICE_DAYS before: no case is purged until its notice is
that old, so a shortened policy or a missed run never purges a case unannounced. A supervisor
may put a case on legal hold, which keeps it whole until the hold is lifted; both steps are
audited and their reason kept as an encrypted internal note.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_record
from cases.deadlines import Policies
from cases.keys import key_destroy
from cases.models import (
    ENDED_STATES,
    Attachment,
    AuthorSide,
    Case,
    DeadlinePolicy,
    Identity,
    Reminder,
    Visibility,
)
from cases.notifications import case_supervisors, notification_queue
from cases.policy import supervises
from cases.services import message_add
from cases.storage import chunks_delete
from core.lib.days import add_years
from core.models import User

NOTICE_DAYS = 30
# No policy keeps an ended case less than a year: the cheap first filter of the daily scan.
MIN_RETENTION = timedelta(days=365)
REASON_MAX = 2_000


class HoldRefused(Exception):
    """The legal hold cannot be placed or lifted; the message says why, for the page."""


def _kept(case: Case) -> bool:
    """Open, held, or written on by the reporter since it ended: such a case waits for its
    supervisors (to reopen it, or to lift the hold) and is neither announced nor purged."""
    return not case.is_ended or case.legal_hold_at is not None or case.reporter_wrote_after_end


def purge_due(case: Case, policy: DeadlinePolicy) -> datetime | None:
    """When the case may be purged: the policy's calendar years after the day it ended (in
    Bangkok), or None while it is kept."""
    if case.ended_at is None or _kept(case):
        return None
    return add_years(timezone.localtime(case.ended_at), policy.retention_years)


def _candidates(before: datetime) -> QuerySet[Case]:
    return Case.objects.filter(
        state__in=ENDED_STATES,
        purged_at__isnull=True,
        legal_hold_at__isnull=True,
        reporter_wrote_after_end=False,
        ended_at__lt=before,
    ).select_related("organisation")


def retention_purge() -> int:
    """Announce the purges due within NOTICE_DAYS, then purge the cases whose notice is at
    least that old. Returns how many cases were purged."""
    now = timezone.now()
    notice = timedelta(days=NOTICE_DAYS)
    policies = Policies()
    purged = 0
    for case in _candidates(now + notice - MIN_RETENTION).iterator():
        due = purge_due(case, policies.of(case.organisation))
        if due is None or due > now + notice:
            continue
        announced = _purge_notice(case, due)
        if due <= now and announced is not None and announced <= now - notice:
            purged += case_purge(case_id=case.pk)
    return purged


def _purge_notice(case: Case, due: datetime) -> datetime | None:
    """Tell the supervisors once that the case will be purged on `due`; when they were told.

    None while the case has no supervisor to tell (none active, or all named in it): the
    notice is there so that one may hold the case, and only a supervisor can, so a notice to
    no one (or to administrators, who cannot) is no notice. The case is kept until one is
    appointed and told; keeping it longer can be undone, purging it cannot.
    """
    day = timezone.localdate(due)
    sent = Reminder.objects.filter(case=case, kind=Reminder.Kind.PURGE, due=day).first()
    if sent is not None:
        return sent.created
    supervisors = list(case_supervisors(case))
    if not supervisors:
        return None
    try:
        with transaction.atomic():
            sent = Reminder.objects.create(
                case=case, kind=Reminder.Kind.PURGE, deadline="purge", due=day
            )
            for supervisor in supervisors:
                notification_queue(recipient=supervisor, case=case)
            event_record(
                action=Action.REMINDER_SENT,
                organisation=case.organisation,
                target=case,
                details={"deadline": "purge", "due": day.isoformat()},
            )
    except IntegrityError:
        return None  # another run told them just now; the next run reads its date
    return sent.created


def case_purge(*, case_id: int) -> bool:
    """Remove everything anyone wrote, with every key that could open it; keep the metadata
    and outcome the indicators count. Files go in the same transaction (cases.storage)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.purged_at is not None or _kept(case):
            return False
        chunks_delete(attachments=Attachment.objects.filter(case=case))
        case.attachments.all().delete()
        case.messages.all().delete()
        key_destroy(case=case)
        Identity.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).update(
            title_ct=b"",
            body_ct=b"",
            receipt_lookup=f"purged:{case.uid}",
            receipt_salt=b"",
            receipt_wrap=b"",
            purged_at=timezone.now(),
        )
        event_record(action=Action.CASE_PURGED, organisation=case.organisation, target=case)
    return True


def _held_case(case_id: int, supervisor: User, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case_id)
    if not supervises(supervisor, case):
        raise HoldRefused(_("Only a supervisor of the organisation can do this."))
    if case.purged_at is not None:
        raise HoldRefused(_("This case was purged."))
    if not reason.strip():
        raise HoldRefused(_("Give the reason."))
    return case


def legal_hold_place(*, case_id: int, supervisor: User, key: bytes, reason: str) -> Case:
    """Keep the case from being purged until the hold is lifted."""
    with transaction.atomic():
        case = _held_case(case_id, supervisor, reason)
        if case.legal_hold_at is not None:
            raise HoldRefused(_("This case is already on legal hold."))
        case.legal_hold_at = timezone.now()
        Case.objects.filter(pk=case.pk).update(legal_hold_at=case.legal_hold_at)
        # A notice sent before the hold says nothing of when the case goes once it is lifted.
        Reminder.objects.filter(case=case, kind=Reminder.Kind.PURGE).delete()
        _hold_record(case, supervisor, key, reason, Action.LEGAL_HOLD_PLACED)
    return case


def legal_hold_lift(*, case_id: int, supervisor: User, key: bytes, reason: str) -> Case:
    """Let the retention period apply again; the purge is announced afresh."""
    with transaction.atomic():
        case = _held_case(case_id, supervisor, reason)
        if case.legal_hold_at is None:
            raise HoldRefused(_("This case is not on legal hold."))
        case.legal_hold_at = None
        Case.objects.filter(pk=case.pk).update(legal_hold_at=None)
        _hold_record(case, supervisor, key, reason, Action.LEGAL_HOLD_LIFTED)
    return case


def _hold_record(case: Case, supervisor: User, key: bytes, reason: str, action: Action) -> None:
    note = message_add(
        case=case,
        key=key,
        side=AuthorSide.COUNSELOR,
        author=supervisor,
        body=reason.strip(),
        visibility=Visibility.INTERNAL,
    )
    event_record(
        action=action,
        actor=supervisor,
        organisation=case.organisation,
        target=case,
        details={"note": note.pk},
    )
