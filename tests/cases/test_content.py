import io
import os

import pytest

from cases.models import Attachment, AttachmentChunk, AuthorSide, Message, Visibility
from cases.selectors import attachment_chunks, attachment_meta, case_messages
from cases.services import attachment_add, message_add
from core import crypto
from tests.cases.factories import new_report, organisation_with_kit


@pytest.fixture
def created(db):
    organisation, _ = organisation_with_kit()
    return new_report(organisation)


def test_messages_round_trip_and_internal_notes_stay_internal(created):
    case, key = created.case, created.key
    message_add(case=case, key=key, side=AuthorSide.REPORTER, body="เพิ่มเติม")
    message_add(
        case=case,
        key=key,
        side=AuthorSide.COUNSELOR,
        body="บันทึกภายใน",
        visibility=Visibility.INTERNAL,
    )
    shared = [m.body for m in case_messages(case=case, key=key, include_internal=False)]
    everything = [m.body for m in case_messages(case=case, key=key, include_internal=True)]
    assert shared == ["เพิ่มเติม"]
    assert everything == ["เพิ่มเติม", "บันทึกภายใน"]


def test_a_message_body_moved_to_another_message_fails(created):
    case, key = created.case, created.key
    first = message_add(case=case, key=key, side=AuthorSide.REPORTER, body="one")
    second = message_add(case=case, key=key, side=AuthorSide.REPORTER, body="two")
    Message.objects.filter(pk=second.pk).update(body_ct=first.body_ct)
    with pytest.raises(crypto.CryptoError):
        case_messages(case=case, key=key, include_internal=True)


def test_attachments_round_trip_in_chunks(created, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = os.urandom(200_000)
    attachment = attachment_add(
        case=created.case,
        key=created.key,
        name="หลักฐาน.pdf",
        content_type="application/pdf",
        src=io.BytesIO(body),
    )
    assert attachment_meta(attachment=attachment, key=created.key) == {
        "name": "หลักฐาน.pdf",
        "type": "application/pdf",
    }
    chunks = list(attachment_chunks(attachment=attachment, key=created.key))
    assert len(chunks) > 1
    assert b"".join(chunks) == body
    assert attachment.size == len(body)


def test_a_failed_attachment_leaves_no_chunk_and_no_row(created, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class Broken(io.BytesIO):
        """Fails after a megabyte, when several chunk rows were already inserted."""

        def read(self, size=-1):
            if self.tell() > 1024 * 1024:
                raise OSError("the upload was cut off")
            return super().read(size)

    with pytest.raises(OSError):
        attachment_add(
            case=created.case,
            key=created.key,
            name="x",
            content_type="text/plain",
            src=Broken(os.urandom(3 * 1024 * 1024)),
        )
    assert Attachment.objects.count() == 0
    assert AttachmentChunk.objects.count() == 0
    assert list(tmp_path.iterdir()) == []  # and nothing went to disk instead
