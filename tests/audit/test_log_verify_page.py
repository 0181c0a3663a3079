"""The audit log page's "verify the chain": what it says with and without a signed checkpoint."""

import pytest

from audit.models import Action
from audit.services import checkpoint_create, event_record
from core.models import Role
from tests.audit.indicator_fixtures import org
from tests.audit.tamper import sql
from tests.conftest import signed_in_client

AGREES = "and the newest signed checkpoint agrees"
NO_CHECKPOINT = "No checkpoint has been signed yet"


@pytest.fixture
def auditor(make_staff, db):
    for n in range(3):
        event_record(action=Action.LOGOUT, details={"n": n})
    return signed_in_client(make_staff(Role.AUDITOR, organisation=org(code="PROV")))


def test_without_a_checkpoint_it_says_there_is_none_yet(auditor):
    response = auditor.post("/en/staff/audit/log/verify/")
    assert response.context["verification"].ok
    assert response.context["verification"].checkpoint_seq is None
    page = response.content.decode()
    assert AGREES not in page
    assert "The chain verifies" in page and f"{NO_CHECKPOINT}, so" in page
    thai = auditor.post("/staff/audit/log/verify/").content.decode()
    assert "ยังไม่มีจุดรับรองบันทึกการตรวจสอบที่ลงนาม" in thai
    assert "ตรงกับจุดรับรองบันทึกการตรวจสอบที่ลงนามล่าสุด" not in thai


def test_with_a_checkpoint_it_says_the_newest_agrees(auditor):
    checkpoint = checkpoint_create()
    response = auditor.post("/en/staff/audit/log/verify/")
    assert response.context["verification"].checkpoint_seq == checkpoint.seq
    page = response.content.decode()
    assert AGREES in page and f"{NO_CHECKPOINT}, so" not in page


def test_a_broken_chain_is_said_in_the_readers_language(auditor):
    sql("UPDATE audit_event SET details = '{\"n\": 9}' WHERE seq = 2")
    response = auditor.post("/staff/audit/log/verify/")
    assert not response.context["verification"].ok
    assert "รายการที่ 2 ถูกแก้ไขหลังจากบันทึกแล้ว" in response.content.decode()
