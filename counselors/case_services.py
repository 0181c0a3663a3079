"""Writes of the staff workspace on a case: declarations, replies, filing for a caller, and
the audit events of reading. Content goes in only through cases.services (encrypted)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_record
from cases.models import (
    Attachment,
    AuthorSide,
    Case,
    CaseKind,
    CaseRead,
    Category,
    Channel,
    ConflictDeclaration,
    Message,
    Visibility,
)
from cases.policy import may_file_intake
from cases.receipts import receipt_seal
from cases.routing import report_route
from cases.services import NewCase, case_create, message_add
from core.models import User


class ReplyKind:
    ANSWER = "answer"
    QUESTION = "question"
    NOTE = "note"


STAFF_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.LETTER)


class WorkspaceRefused(Exception):
    """Not allowed; the message says why, for the page."""


def conflict_declare(*, case: Case, user: User) -> ConflictDeclaration:
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(case=case, user=user)
        if created:
            event_record(
                action=Action.CONFLICT_DECLARED,
                actor=user,
                organisation=case.organisation,
                target=case,
            )
    return declaration


def case_read_record(*, case: Case, user: User) -> None:
    event_record(action=Action.CASE_READ, actor=user, organisation=case.organisation, target=case)


def case_seen_record(*, case: Case, user: User, up_to: int) -> None:
    """This person has now seen the case's thread up to message `up_to`: the inbox stops
    marking it new for them (and only for them)."""
    with transaction.atomic():
        seen, created = CaseRead.objects.select_for_update().get_or_create(
            case=case, user=user, defaults={"seen_message_id": up_to}
        )
        if not created and seen.seen_message_id < up_to:
            seen.seen_message_id = up_to
            seen.save(update_fields=["seen_message_id"])


def inbox_read_record(*, user: User, case_ids: Sequence[int]) -> None:
    """Titles decrypted for an inbox page are content read: one event for the page, naming
    the cases whose titles it showed. A page that decrypted nothing read nothing."""
    if case_ids:
        event_record(
            action=Action.INBOX_READ,
            actor=user,
            organisation=user.organisation,
            details={"cases": list(case_ids)},
        )


def attachment_download_record(*, attachment: Attachment, user: User) -> None:
    event_record(
        action=Action.ATTACHMENT_DOWNLOADED,
        actor=user,
        organisation=attachment.case.organisation,
        target=attachment.case,
        details={"attachment": attachment.pk},
    )


def identity_read_record(*, case: Case, user: User) -> None:
    event_record(
        action=Action.IDENTITY_READ, actor=user, organisation=case.organisation, target=case
    )


def reply_add(*, case: Case, key: bytes, user: User, kind: str, body: str) -> Message:
    """An answer or a question to the reporter (shared), or an internal note. Only an answer
    counts as feedback to the reporter (cases.services.message_add)."""
    if kind not in (ReplyKind.ANSWER, ReplyKind.QUESTION, ReplyKind.NOTE):
        raise ValueError(kind)
    visibility = Visibility.INTERNAL if kind == ReplyKind.NOTE else Visibility.SHARED
    with transaction.atomic():
        message = message_add(
            case=case,
            key=key,
            side=AuthorSide.COUNSELOR,
            author=user,
            body=body,
            visibility=visibility,
            question_to_reporter=kind == ReplyKind.QUESTION,
        )
        event_record(
            action=Action.MESSAGE_ADDED,
            actor=user,
            organisation=case.organisation,
            target=case,
            details={"message": message.pk, "kind": kind, "visibility": str(visibility)},
        )
    return message


def case_file_for_caller(
    *,
    user: User,
    kind: CaseKind,
    category: Category,
    channel: Channel,
    title: str,
    body: dict[str, str],
    identity: dict[str, str] | None = None,
    executive_involved: bool = False,
    excluded: Sequence[User] = (),
) -> NewCase:
    """A question or report a counselor takes down by telephone, in person or from a letter,
    for their own organisation, routed away from the people it names as a web report is. The
    caller gets the receipt read out once."""
    if not may_file_intake(user) or user.organisation is None:
        raise WorkspaceRefused(_("Only counselors and supervisors can file a case for a caller."))
    if (executive_involved or excluded) and kind != CaseKind.REPORT:
        raise WorkspaceRefused(_("Only a report can name people who are involved."))
    if any(u.organisation_id != user.organisation_id for u in excluded):
        raise WorkspaceRefused(_("Name only counselors of your own organisation."))
    if user in excluded:  # whoever takes it down hears the receipt, which opens the case
        raise WorkspaceRefused(
            _("The caller names you: ask another counselor to take this report down.")
        )
    organisation = user.organisation
    if kind == CaseKind.REPORT:
        organisation, body = report_route(
            organisation=organisation,
            body=body,
            executive_involved=executive_involved,
            excluded=excluded,
        )
    if channel not in STAFF_CHANNELS:
        raise WorkspaceRefused(_("Choose how the caller reached you."))
    if category.kind != kind or not category.is_active:
        raise WorkspaceRefused(_("Choose a category of this kind."))
    sealed = receipt_seal()  # the slow Argon2id, before the transaction
    with transaction.atomic():
        new = case_create(
            sealed=sealed,
            kind=kind,
            organisation=organisation,
            category=category,
            channel=channel,
            title=title,
            body=body,
            identity=identity,
            excluded=excluded,
            actor=user,
        )
        event_record(
            action=Action.CASE_FILED_BY_STAFF,
            actor=user,
            # Where the case went: the log of an organisation whose people it names must
            # not show that it was filed.
            organisation=new.case.organisation,
            target=new.case,
            details={"kind": str(kind), "channel": str(channel)},
        )
    return new
