"""Moves the encrypted attachment files of release 0.2.0 from MEDIA_ROOT into AttachmentChunk
rows (cases.storage), unchanged: the same bytes, so they decrypt as before.

Idempotent: an attachment that has chunks is left alone, so a migrate that was interrupted
can run again. A missing file is reported on stderr and its row stays without content (it
could not be downloaded before either); the files are not deleted, so an operator removes
MEDIA_ROOT/attachments only after checking the report (README, Production).
"""

import sys
from pathlib import Path

from django.conf import settings
from django.db import migrations

# The runtime's piece size (cases.storage.PIECE_SIZE), copied: a migration keeps its own.
PIECE_SIZE = 256 * 1024
BATCH = 4


def _move(chunk_model, attachment, path):
    pending = []
    index = 0
    with open(path, "rb") as src:
        while True:
            data = src.read(PIECE_SIZE)
            if not data and index:
                break
            pending.append(chunk_model(attachment=attachment, index=index, data=data))
            index += 1
            if len(pending) >= BATCH:
                chunk_model.objects.bulk_create(pending)
                pending = []
            if len(data) < PIECE_SIZE:
                break
    chunk_model.objects.bulk_create(pending)


def files_into_database(apps, schema_editor):
    attachment_model = apps.get_model("cases", "Attachment")
    chunk_model = apps.get_model("cases", "AttachmentChunk")
    media = Path(settings.MEDIA_ROOT)
    moved, missing = 0, []
    for attachment in attachment_model.objects.filter(chunks__isnull=True).order_by("pk"):
        path = media / attachment.storage_name
        if not path.is_file():
            missing.append(f"attachment {attachment.pk} ({attachment.storage_name})")
            continue
        _move(chunk_model, attachment, path)
        moved += 1
    if moved:
        sys.stdout.write(f"\n  moved {moved} attachment file(s) from {media} into the database")
    for name in missing:
        sys.stderr.write(f"\n  MISSING under {media}: {name}; it stays without content")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_attachment_chunks"),
    ]

    operations = [
        migrations.RunPython(files_into_database, migrations.RunPython.noop, elidable=False),
    ]
