"""Reads of case records: content is decrypted only here, under keys opened by cases.keys."""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from cases.keys import key_open
from cases.lib.system_messages import system_message_text
from cases.models import (
    Attachment,
    AuthorSide,
    Case,
    CaseKind,
    Category,
    Identity,
    Message,
    Visibility,
    WrapPurpose,
)
from cases.storage import chunks_open
from core import crypto
from core.crypto import labels
from core.models import Organisation, Role, User


@dataclass(frozen=True)
class CaseContent:
    title: str
    body: dict[str, str]


@dataclass(frozen=True)
class MessageView:
    message: Message
    body: str


def case_content(*, case: Case, key: bytes) -> CaseContent:
    uid = str(case.uid)
    return CaseContent(
        title=crypto.text_decrypt(key, bytes(case.title_ct), case_id=uid, field=labels.CASE_TITLE),
        body=json.loads(
            crypto.text_decrypt(key, bytes(case.body_ct), case_id=uid, field=labels.CASE_BODY)
        ),
    )


def case_messages(*, case: Case, key: bytes, include_internal: bool) -> list[MessageView]:
    messages = case.messages.all()
    if not include_internal:
        messages = messages.filter(visibility=Visibility.SHARED)
    views = []
    for m in messages:
        body = crypto.text_decrypt(
            key, bytes(m.body_ct), case_id=str(case.uid), field=labels.message_body(m.uid)
        )
        if m.author_side == AuthorSide.SYSTEM:
            body = system_message_text(body)
        views.append(MessageView(message=m, body=body))
    return views


def attachment_meta(*, attachment: Attachment, key: bytes) -> dict[str, str]:
    field = labels.attachment_meta(attachment.uid)
    case_id = str(attachment.case.uid)
    return dict(
        json.loads(
            crypto.text_decrypt(key, bytes(attachment.meta_ct), case_id=case_id, field=field)
        )
    )


def attachment_chunks(*, attachment: Attachment, key: bytes) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk, for a streaming download: read from cases.storage a
    few rows at a time. The header and first chunk are checked before this returns, so a
    missing or damaged file fails before a response starts (core.crypto.stream_decrypt_chunks)."""
    return crypto.stream_decrypt_chunks(
        key,
        chunks_open(attachment=attachment),
        case_id=str(attachment.case.uid),
        field=labels.attachment_file(attachment.uid),
    )


def identity_read(*, case: Case, user: User, private: bytes) -> dict[str, str] | None:
    """The reporter's identity for someone holding an identity wrap (custodians; counselors
    only after a custodian approved a request)."""
    key = key_open(case=case, user=user, private=private, purpose=WrapPurpose.IDENTITY)
    identity = Identity.objects.filter(case=case).first()
    if key is None or identity is None:
        return None
    text = crypto.text_decrypt(
        key, bytes(identity.body_ct), case_id=str(case.uid), field=labels.IDENTITY
    )
    return dict(json.loads(text))


NAMEABLE_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)


def categories_of(kind: CaseKind) -> QuerySet[Category]:
    return Category.objects.filter(kind=kind, is_active=True).order_by("sort_order", "code")


def nameable_staff(organisation: Organisation) -> QuerySet[User]:
    """The organisation's counselors and supervisors, whom a report may say are involved.

    Only those with a full name: a reporter recognises people by name, never by login (and a
    login name shown to the public would help guess staff accounts). The admin requires the
    name for these roles (config.admin)."""
    return (
        User.objects.filter(organisation=organisation, role__in=NAMEABLE_ROLES, is_active=True)
        .exclude(first_name="")
        .exclude(last_name="")
        .order_by("first_name", "last_name", "pk")
    )
