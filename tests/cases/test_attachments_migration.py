"""cases/migrations/0004: the encrypted files of release 0.2.0 move from MEDIA_ROOT into the
database unchanged; running it again changes nothing; a missing file is reported."""

import importlib
import io
import os

import pytest
from django.apps import apps

from cases.models import AttachmentChunk
from cases.selectors import attachment_chunks
from cases.services import attachment_add
from cases.storage import chunks_delete, chunks_read
from tests.cases.factories import new_report, organisation_with_kit

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0004_attachments_into_database")


def test_files_move_in_once_and_a_missing_one_is_reported(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    body = os.urandom(1024 * 1024 + 3)
    on_disk, lost = (
        attachment_add(
            case=created.case,
            key=created.key,
            name=name,
            content_type="text/plain",
            src=io.BytesIO(body),
        )
        for name in ("on-disk", "lost")
    )
    # As release 0.2.0 left them: the encrypted file under MEDIA_ROOT, no rows.
    path = tmp_path / on_disk.storage_name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"".join(chunks_read(attachment=on_disk)))
    chunks_delete(attachments=[on_disk, lost])

    migration.files_into_database(apps, None)
    out, err = capsys.readouterr()
    assert "moved 1 attachment file(s)" in out
    assert f"MISSING under {tmp_path}: attachment {lost.pk} ({lost.storage_name})" in err
    assert b"".join(attachment_chunks(attachment=on_disk, key=created.key)) == body
    rows = AttachmentChunk.objects.filter(attachment=on_disk).count()
    assert rows == 5 and not AttachmentChunk.objects.filter(attachment=lost).exists()

    migration.files_into_database(apps, None)  # a second run (an interrupted migrate) is harmless
    out, err = capsys.readouterr()
    assert "moved" not in out and "MISSING" in err
    assert AttachmentChunk.objects.filter(attachment=on_disk).count() == rows
    assert path.exists()  # left for the operator to remove (README)
