"""Sweeping encrypted attachment files that no attachment row names.

Uploads never reach the disk in the clear: cases.uploads keeps them in memory, so Django
leaves no temporary upload file behind (FILE_UPLOAD_TEMP_DIR is never used). What can be left
is ciphertext under MEDIA_ROOT/attachments: cases.services.attachment_add writes the file
before the row commits, so a transaction that rolls back afterwards leaves the file; and
cases.retention.case_purge deletes files after its commit, which a crash can skip. Neither
is readable (no key to it remains), but both take space and outlive the case. A file younger
than GRACE is kept: its row may still be on its way to a commit.
"""

import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from cases.models import Attachment

FOLDER = "attachments"
GRACE = timedelta(days=1)
BATCH = 500


def attachment_orphans_sweep(*, grace: timedelta = GRACE) -> int:
    """Delete attachment files that no row names and that are older than `grace`; the
    number deleted. Running it again deletes nothing more."""
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    if not folder.is_dir():
        return 0
    cutoff = time.time() - grace.total_seconds()
    candidates = {
        f"{FOLDER}/{path.name}": path
        for path in folder.iterdir()
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    names = list(candidates)
    named: set[str] = set()
    for start in range(0, len(names), BATCH):  # within every database's parameter limit
        named.update(
            Attachment.objects.filter(storage_name__in=names[start : start + BATCH]).values_list(
                "storage_name", flat=True
            )
        )
    deleted = 0
    for name, path in candidates.items():
        if name not in named:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
