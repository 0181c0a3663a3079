"""A stolen database, backup, media folder or log must not hold anything a reporter wrote."""

import io
import logging
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from cases.models import AuthorSide, Visibility
from cases.services import attachment_add, message_add
from tests.cases.factories import new_report, organisation_with_kit

SENTINELS = {
    "title": "SENTINEL-TITLE-7f3a",
    "body": "SENTINEL-BODY-ผู้ว่าฯรับเงิน-91c2",
    "identity": "SENTINEL-IDENTITY-นายสมชาย-0d4e",
    "message": "SENTINEL-MESSAGE-5b61",
    "note": "SENTINEL-NOTE-2e8f",
    "file_name": "SENTINEL-FILENAME-a1b9.pdf",
    "file_body": "SENTINEL-FILEBODY-c3d7",
}


def database_bytes() -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        paths = [Path(settings["NAME"] + suffix) for suffix in ("", "-wal", "-journal")]
        return b"".join(p.read_bytes() for p in paths if p.exists())
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            settings["HOST"],
            "-p",
            str(settings["PORT"]),
            "-U",
            settings["USER"],
            "--data-only",
            settings["NAME"],
        ],
        capture_output=True,
        check=True,
    )
    return dump.stdout


@pytest.mark.django_db(transaction=True)
def test_no_sentinel_is_stored_or_logged_in_the_clear(settings, tmp_path, caplog):
    settings.MEDIA_ROOT = tmp_path
    with caplog.at_level(logging.DEBUG):
        organisation, _ = organisation_with_kit()
        created = new_report(
            organisation,
            title=SENTINELS["title"],
            body={"what": SENTINELS["body"]},
            identity={"name": SENTINELS["identity"]},
        )
        case, key = created.case, created.key
        message_add(case=case, key=key, side=AuthorSide.REPORTER, body=SENTINELS["message"])
        message_add(
            case=case,
            key=key,
            side=AuthorSide.COUNSELOR,
            body=SENTINELS["note"],
            visibility=Visibility.INTERNAL,
        )
        attachment_add(
            case=case,
            key=key,
            name=SENTINELS["file_name"],
            content_type="application/pdf",
            src=io.BytesIO(SENTINELS["file_body"].encode() * 5000),
        )
    stored = database_bytes()
    media = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    logged = "\n".join(r.getMessage() for r in caplog.records).encode()
    # The encrypted file (110,000 bytes and more) is in the database now, never on disk.
    assert len(stored) > 110_000 and media == b""  # the places were really read
    for name, sentinel in SENTINELS.items():
        for place, content in (("database", stored), ("media", media), ("logs", logged)):
            assert sentinel.encode() not in content, f"{name} in the clear in the {place}"
    for part in (created.receipt.secret, created.receipt.digits):
        assert part.encode() not in stored
