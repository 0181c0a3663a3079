"""Writes of case records. Content goes in only through core.crypto, under the case's key."""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import event_record
from cases.deadlines import due_dates
from cases.keys import key_grant
from cases.models import (
    Attachment,
    AuthorSide,
    Case,
    CaseExclusion,
    CaseKind,
    Category,
    Channel,
    Identity,
    Message,
    RecoveryKey,
    StaffKey,
    Visibility,
    WrapPurpose,
)
from cases.notifications import case_supervisors, notification_queue
from cases.receipts import SealedReceipt, receipt_seal
from cases.storage import ChunkWriter
from core import crypto
from core.crypto import labels
from core.lib.timing import coarse_now
from core.models import Organisation, Role, User


class CaseUnreadable(Exception):
    """No one at the organisation could ever open the case: no recovery key, no supervisor key."""


@dataclass(frozen=True)
class NewCase:
    case: Case
    key: bytes
    receipt: crypto.Receipt


def _staff_keys(organisation: Organisation, role: Role, excluded: Iterable[User]) -> list[StaffKey]:
    return list(
        StaffKey.objects.filter(
            user__organisation=organisation,
            user__role=role,
            user__is_active=True,
            # Only pairs the ethics committee vouched for in this role (cases.staff_keys).
            endorsed_at__isnull=False,
            endorsed_role=role,
        ).exclude(user__in=list(excluded))
    )


def _with_recovery(
    staff: list[StaffKey], recovery: RecoveryKey | None
) -> list[StaffKey | RecoveryKey]:
    return [*staff, *([recovery] if recovery is not None else [])]


@dataclass(frozen=True)
class CaseReaders:
    """Who a new case's key is wrapped to at an organisation."""

    recovery: RecoveryKey | None
    supervisors: list[StaffKey]

    @property
    def all(self) -> list[StaffKey | RecoveryKey]:
        return _with_recovery(self.supervisors, self.recovery)

    @property
    def anyone(self) -> bool:
        """Whether anyone could ever open the case: the one rule for receiving cases."""
        return self.recovery is not None or bool(self.supervisors)


def case_readers(organisation: Organisation, excluded: Iterable[User] = ()) -> CaseReaders:
    return CaseReaders(
        recovery=RecoveryKey.objects.filter(organisation=organisation, is_active=True).first(),
        supervisors=_staff_keys(organisation, Role.SUPERVISOR, excluded),
    )


def case_create(
    *,
    kind: CaseKind,
    organisation: Organisation,
    category: Category,
    channel: Channel,
    title: str,
    body: dict[str, str],
    identity: dict[str, str] | None = None,
    is_retaliation: bool = False,
    related_case: Case | None = None,
    excluded: Iterable[User] = (),
    actor: User | None = None,
    sealed: SealedReceipt | None = None,
) -> NewCase:
    """Store a new question or report, encrypted, and the reporter's receipt for it.

    Pass `sealed` (from cases.receipts.receipt_seal, called before any transaction) when the
    caller wraps this in a transaction of its own.

    The case key is wrapped to the organisation's supervisors (who assign it) and its recovery
    key, never to anyone in `excluded` (people the report names). A disclosed identity gets a
    key of its own, wrapped to the custodians and the recovery key only.
    """
    excluded = list(excluded)
    readers = case_readers(organisation, excluded)
    if not readers.anyone:
        raise CaseUnreadable(organisation.code)
    sealed = sealed or receipt_seal()
    key = sealed.case_key
    with transaction.atomic():
        case = Case(
            uid=sealed.case_uid,
            receipt_lookup=sealed.lookup,
            receipt_salt=sealed.salt,
            receipt_wrap=sealed.wrap,
            receipt_kdf=sealed.kdf,
            kind=kind,
            organisation=organisation,
            category=category,
            channel=channel,
            is_anonymous=identity is None,
            is_retaliation=is_retaliation,
            related_case=related_case,
        )
        uid = str(case.uid)
        case.title_ct = crypto.text_encrypt(key, title, case_id=uid, field=labels.CASE_TITLE)
        case.body_ct = crypto.text_encrypt(
            key, json.dumps(body, ensure_ascii=False), case_id=uid, field=labels.CASE_BODY
        )
        for name, due in due_dates(case, received=timezone.localdate()).items():
            setattr(case, name, due)
        case.save()
        key_grant(case=case, purpose=WrapPurpose.CASE, key=key, recipients=readers.all)
        CaseExclusion.objects.bulk_create([CaseExclusion(case=case, user=u) for u in excluded])
        if identity is not None:
            identity_add(case=case, identity=identity, excluded=excluded)
        event_record(
            action=Action.CASE_CREATED,
            actor=actor,
            organisation=organisation,
            target=case,
            details={"kind": kind, "channel": channel},
            coarse=actor is None,  # filed by the reporter themselves
        )
    return NewCase(case=case, key=key, receipt=sealed.receipt)


def identity_add(
    *, case: Case, identity: dict[str, str], excluded: Iterable[User] = ()
) -> Identity:
    identity_key = crypto.case_key_new()
    with transaction.atomic():
        record = Identity.objects.create(
            case=case,
            body_ct=crypto.text_encrypt(
                identity_key,
                json.dumps(identity, ensure_ascii=False),
                case_id=str(case.uid),
                field=labels.IDENTITY,
            ),
        )
        custodians = _staff_keys(case.organisation, Role.CUSTODIAN, excluded)
        recovery = RecoveryKey.objects.filter(
            organisation=case.organisation, is_active=True
        ).first()
        key_grant(
            case=case,
            purpose=WrapPurpose.IDENTITY,
            key=identity_key,
            recipients=_with_recovery(custodians, recovery),
        )
        if case.is_anonymous:
            Case.objects.filter(pk=case.pk).update(is_anonymous=False)
            case.is_anonymous = False
    return record


def message_add(
    *,
    case: Case,
    key: bytes,
    side: AuthorSide,
    body: str,
    visibility: Visibility = Visibility.SHARED,
    author: User | None = None,
    question_to_reporter: bool = False,
) -> Message:
    """Add a message to the case's thread, encrypted.

    A counselor's shared message is the feedback the deadline asks for (it tells the reporter
    what was done and why) unless it is a `question_to_reporter`: asking them for more is not
    feedback (EU Directive 2019/1937 Art. 5(13)).
    """
    message = Message(case=case, author_side=side, author=author, visibility=visibility)
    if side == AuthorSide.REPORTER:
        message.created = coarse_now()
    message.body_ct = crypto.text_encrypt(
        key, body, case_id=str(case.uid), field=labels.message_body(message.uid)
    )
    with transaction.atomic():
        message.save()
        # A counselor's first answer the reporter can read is the feedback the deadline asks
        # for; the automatic acknowledgement and a question back to them are not.
        is_feedback = (
            side == AuthorSide.COUNSELOR
            and visibility == Visibility.SHARED
            and not question_to_reporter
        )
        if side == AuthorSide.REPORTER and case.is_ended:
            _reporter_wrote_after_end(case)
        if is_feedback and case.feedback_at is None:
            case.feedback_at = message.created
            Case.objects.filter(pk=case.pk, feedback_at__isnull=True).update(
                feedback_at=message.created
            )
    return message


def _reporter_wrote_after_end(case: Case) -> None:
    """Mark the ended case for its supervisors' decision to reopen it, and tell them once
    (a question reopens itself on the reporter's follow-up and tells its counselor)."""
    marked = Case.objects.filter(pk=case.pk, reporter_wrote_after_end=False).update(
        reporter_wrote_after_end=True
    )
    case.reporter_wrote_after_end = True
    if marked and case.kind == CaseKind.REPORT:
        for supervisor in case_supervisors(case):
            notification_queue(recipient=supervisor, case=case, from_reporter=True)


def attachment_add(
    *,
    case: Case,
    key: bytes,
    name: str,
    content_type: str,
    src: BinaryIO,
    message: Message | None = None,
) -> Attachment:
    """Encrypt a file, streaming, into cases.storage, in the caller's transaction (or its
    own): if anything fails, the attachment and every chunk written roll back together."""
    attachment = Attachment(
        case=case, message=message, storage_name=f"attachments/{uuid.uuid4().hex}", size=0
    )
    with transaction.atomic():
        attachment.meta_ct = crypto.text_encrypt(
            key,
            json.dumps({"name": name, "type": content_type}, ensure_ascii=False),
            case_id=str(case.uid),
            field=labels.attachment_meta(attachment.uid),
        )
        attachment.save()  # the chunks point at it
        writer = ChunkWriter(attachment)
        attachment.size = crypto.stream_encrypt(
            key, src, writer, case_id=str(case.uid), field=labels.attachment_file(attachment.uid)
        )
        writer.close()
        Attachment.objects.filter(pk=attachment.pk).update(size=attachment.size)
    return attachment
