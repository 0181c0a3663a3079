"""cases.storage: encrypted files in database rows, streamed in and out, transactional."""

import io
import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases import storage
from cases.models import Attachment, AttachmentChunk
from cases.selectors import attachment_chunks
from cases.services import attachment_add
from core import crypto
from tests.cases.factories import new_report, organisation_with_kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def created():
    organisation, _ = organisation_with_kit()
    return new_report(organisation)


def add(created, body: bytes) -> Attachment:
    return attachment_add(
        case=created.case,
        key=created.key,
        name="f",
        content_type="text/plain",
        src=io.BytesIO(body),
    )


@pytest.mark.parametrize("size", [0, 1, storage.PIECE_SIZE - 41, storage.PIECE_SIZE, 2_000_000])
def test_files_of_every_size_round_trip(created, size):
    body = os.urandom(size)
    attachment = add(created, body)
    assert Attachment.objects.get(pk=attachment.pk).size == size
    assert b"".join(attachment_chunks(attachment=attachment, key=created.key)) == body
    rows = AttachmentChunk.objects.filter(attachment=attachment).order_by("index")
    assert [r.index for r in rows] == list(range(len(rows)))
    assert all(len(r.data) <= storage.PIECE_SIZE for r in rows)


def test_pieces_of_any_size_are_stored_as_the_same_bytes(created):
    attachment = add(created, b"x")
    AttachmentChunk.objects.filter(attachment=attachment).delete()
    data = os.urandom(storage.PIECE_SIZE * 3 + 5)
    pieces = (data[i : i + 1000] for i in range(0, len(data), 1000))
    assert storage.chunks_write(attachment=attachment, pieces=pieces) == len(data)
    assert b"".join(storage.chunks_read(attachment=attachment)) == data
    assert AttachmentChunk.objects.filter(attachment=attachment).count() == 4


def test_a_download_starts_before_the_file_is_read_and_reads_a_few_rows_at_a_time(created):
    body = os.urandom(5 * 1024 * 1024)
    attachment = add(created, body)
    rows = AttachmentChunk.objects.filter(attachment=attachment).count()
    with CaptureQueriesContext(connection) as queries:
        chunks = attachment_chunks(attachment=attachment, key=created.key)
        first = next(chunks)
        assert len(queries) == 1  # the first rows only: the file is not loaded whole
        rest = b"".join(chunks)
    assert first + rest == body
    assert len(queries) >= rows / storage.BATCH


def test_a_missing_last_row_or_a_row_of_another_file_fails(created):
    body = os.urandom(storage.PIECE_SIZE * 2)
    attachment, other = add(created, body), add(created, body)
    last = AttachmentChunk.objects.filter(attachment=attachment).order_by("-index").first()
    last.delete()
    with pytest.raises(crypto.CryptoError):
        b"".join(attachment_chunks(attachment=attachment, key=created.key))
    AttachmentChunk.objects.filter(attachment=other, index=0).update(
        data=AttachmentChunk.objects.get(attachment=attachment, index=0).data
    )
    with pytest.raises(crypto.CryptoError):
        b"".join(attachment_chunks(attachment=other, key=created.key))


def test_a_file_without_content_fails_before_a_download_starts(created):
    attachment = add(created, b"evidence")
    storage.chunks_delete(attachments=[attachment])
    assert not AttachmentChunk.objects.exists()
    with pytest.raises(crypto.CryptoError):
        attachment_chunks(attachment=attachment, key=created.key)  # not even one chunk read


def test_a_rollback_takes_every_chunk_with_it(created):
    with pytest.raises(RuntimeError), transaction.atomic():
        add(created, os.urandom(3 * 1024 * 1024))
        assert AttachmentChunk.objects.count() > 1
        raise RuntimeError("the intake failed after the file was stored")
    assert not Attachment.objects.exists() and not AttachmentChunk.objects.exists()
