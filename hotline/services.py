"""Writes from the public side: questions, reports, replies, disclosures. Each is one
transaction, files included (cases.storage keeps them in the database), so a failure leaves
no half-written case behind."""

import io
from collections.abc import Iterable, Sequence

from django.db import transaction

from audit.models import Action
from audit.services import event_record
from cases.files import CleanAttachment
from cases.lib.titles import title_from
from cases.models import (
    AuthorSide,
    Case,
    CaseExclusion,
    CaseKind,
    Category,
    Channel,
    Identity,
    Message,
    Rating,
    Visibility,
)
from cases.receipts import receipt_seal
from cases.routing import report_route
from cases.services import NewCase, attachment_add, case_create, identity_add, message_add
from cases.workflow import case_transition, transitions_open_to
from core import crypto
from core.crypto import labels
from core.models import Organisation, User


def _attachments_add(
    *,
    case: Case,
    key: bytes,
    attachments: Iterable[CleanAttachment],
    message: Message | None = None,
) -> None:
    for attachment in attachments:
        attachment_add(
            case=case,
            key=key,
            name=attachment.name,
            content_type=attachment.file.media_type,
            src=io.BytesIO(attachment.file.data),
            message=message,
        )


def question_submit(
    *,
    organisation: Organisation,
    category: Category,
    question: str,
    identity: dict[str, str] | None,
) -> NewCase:
    return case_create(
        kind=CaseKind.QUESTION,
        organisation=organisation,
        category=category,
        channel=Channel.WEB,
        title=title_from(question),
        body={"question": question},
        identity=identity,
    )


def report_submit(
    *,
    organisation: Organisation,
    category: Category,
    body: dict[str, str],
    identity: dict[str, str] | None,
    attachments: Sequence[CleanAttachment],
    executive_involved: bool = False,
    excluded: Sequence[User] = (),
) -> NewCase:
    """Store a report and its files, routed away from the people it names."""
    target, body = report_route(
        organisation=organisation,
        body=body,
        executive_involved=executive_involved,
        excluded=excluded,
    )
    sealed = receipt_seal()  # the slow Argon2id, before the transaction
    with transaction.atomic():
        new = case_create(
            sealed=sealed,
            kind=CaseKind.REPORT,
            organisation=target,
            category=category,
            channel=Channel.WEB,
            title=title_from(body.get("what", "")),
            body=body,
            identity=identity,
            excluded=excluded,
        )
        _attachments_add(case=new.case, key=new.key, attachments=attachments)
    return new


def retaliation_submit(
    *,
    case: Case,
    category: Category,
    body: dict[str, str],
    attachments: Sequence[CleanAttachment],
) -> NewCase:
    """A new report, with its own receipt, about retaliation for an earlier case; it goes to
    the same organisation as the earlier case and is linked to it."""
    sealed = receipt_seal()  # the slow Argon2id, before the transaction
    with transaction.atomic():
        new = case_create(
            sealed=sealed,
            kind=CaseKind.REPORT,
            organisation=case.organisation,
            category=category,
            channel=Channel.WEB,
            title=title_from(body.get("what", "")),
            body=body,
            is_retaliation=True,
            related_case=case,
            # Whoever the first report named must not read the report of retaliation either.
            excluded=[
                e.user for e in CaseExclusion.objects.filter(case=case).select_related("user")
            ],
        )
        _attachments_add(case=new.case, key=new.key, attachments=attachments)
        event_record(
            action=Action.RETALIATION_REPORTED,
            organisation=case.organisation,
            target=new.case,
            coarse=True,
        )
    return new


def reporter_reply(
    *, case: Case, key: bytes, body: str, attachments: Sequence[CleanAttachment]
) -> Message:
    """The reporter's message on their case, with any files they add."""
    with transaction.atomic():
        message = message_add(
            case=case, key=key, side=AuthorSide.REPORTER, body=body, visibility=Visibility.SHARED
        )
        _attachments_add(case=case, key=key, attachments=attachments, message=message)
        event_record(
            action=Action.MESSAGE_ADDED,
            organisation=case.organisation,
            target=case,
            details={"side": "reporter", "files": len(attachments)},
            coarse=True,
        )
        if "follow_up" in transitions_open_to(case, "reporter"):
            # An answered (or closed) question is open again once the reporter asks more.
            case_transition(case_id=case.pk, name="follow_up", actor="reporter", key=key)
    return message


def rating_give(*, case: Case, key: bytes, score: int, comment: str) -> Rating | None:
    """The reporter's 1 to 5 rating of an ended case (rejected and referred ones too, so that
    satisfaction is not measured on the cases that went furthest only); None when the case is
    still open or was rated."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_ended or Rating.objects.filter(case=locked).exists():
            return None
        rating = Rating.objects.create(
            case=locked,
            score=score,
            comment_ct=crypto.text_encrypt(
                key, comment, case_id=str(locked.uid), field=labels.RATING_COMMENT
            ),
        )
        event_record(
            action=Action.RATING_GIVEN, organisation=locked.organisation, target=locked, coarse=True
        )
    return rating


def reporter_identity_disclose(*, case: Case, identity: dict[str, str]) -> Identity | None:
    """The reporter's name and contact, disclosed after the fact; None if already given."""
    with transaction.atomic():
        if Identity.objects.select_for_update().filter(case=case).exists():
            return None
        disclosed = identity_add(case=case, identity=identity)
        event_record(
            action=Action.IDENTITY_DISCLOSED,
            organisation=case.organisation,
            target=case,
            coarse=True,
        )
        return disclosed
