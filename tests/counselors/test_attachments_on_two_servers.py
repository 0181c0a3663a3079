"""Two app servers share nothing but the database (and Redis and the key file): a file filed
through one is downloaded from the other, which has a disk of its own (cases.storage)."""

import io
import os

import pytest
from django.test import override_settings

from cases.models import AttachmentChunk
from cases.services import attachment_add
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_a_file_filed_on_one_server_downloads_from_another(team, report, tmp_path):
    first, second = tmp_path / "first-host", tmp_path / "second-host"
    first.mkdir()
    second.mkdir()
    body = os.urandom(3 * 1024 * 1024 + 17)  # several rows, the last one short
    with override_settings(MEDIA_ROOT=first):
        attachment = attachment_add(
            case=report.case,
            key=report.key,
            name="สัญญาจ้าง.pdf",
            content_type="application/pdf",
            src=io.BytesIO(body),
        )
    assert list(first.iterdir()) == []  # the first host kept nothing of it on its disk
    assert AttachmentChunk.objects.filter(attachment=attachment).count() > 1
    first.rmdir()  # and the first host is gone
    with override_settings(MEDIA_ROOT=second):
        client = signed_in_client(team.supervisor)
        response = client.get(f"/en/staff/cases/{report.case.pk}/files/{attachment.uid}/")
        assert response.status_code == 200 and response.streaming
        assert b"".join(response.streaming_content) == body
    assert list(second.iterdir()) == []
