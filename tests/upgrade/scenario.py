"""What a release fixture holds: the demo data and one of each thing a real hotline stores,
made through the services (never raw rows), on a fixed clock.

Imported only after Django is set up on a fresh database (tests/upgrade/make_fixture.py).
Returns what the upgrade test must find again; docs/upgrading.md says how it is used.
"""

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from audit.services import checkpoint_create
from cases.assignment import case_assign
from cases.files import CleanAttachment, clean
from cases.housekeeping import deadlines_scan
from cases.models import Case, CaseKind, Category, Channel, DeadlinePolicy
from cases.receipts import receipt_open
from cases.retention import legal_hold_place
from cases.selectors import case_content
from cases.services import NewCase
from cases.staff_keys import staff_key_unlock
from cases.workflow import case_transition
from config.management.commands.seed_demo import DEMO_ORGANISATION, DEMO_PASSWORD
from core.keyring import keyring
from core.lib.fiscal import fiscal_year_of
from core.models import Organisation, User
from counselors.case_services import (
    ReplyKind,
    case_file_for_caller,
    case_read_record,
    case_seen_record,
    conflict_declare,
    reply_add,
)
from counselors.faq_services import faq_draft_create, faq_publish
from counselors.identity_services import identity_request_create, identity_request_decide
from hotline.services import rating_give, report_submit, reporter_reply
from indicators.registers import COLUMNS, register_import
from indicators.rollup_build import rollup_year_build, rollup_years

BANGKOK = ZoneInfo("Asia/Bangkok")
# A fixed clock, so two runs differ only where cryptography must be random (keys, salts, ids).
START = datetime(2026, 11, 2, 9, 0, tzinfo=BANGKOK)

# Plaintexts the upgrade test must find again after decrypting; Thai, as reporters write.
REPORT_TITLE_TEXT = "ปลัดเทศบาลเรียกเงินใต้โต๊ะจากผู้รับเหมางานประปา [sentinel report]"
REPORT_BODY = {
    "what": REPORT_TITLE_TEXT,
    "when": "ต้นเดือนตุลาคม 2569 [sentinel when]",
    "where": "ห้องประชุมชั้น 2 สำนักงานเทศบาล [sentinel where]",
}
IDENTITY = {"name": "นางสาวตัวอย่าง ผู้แจ้ง [sentinel identity]", "phone": "081-000-0000"}
ATTACHMENT_NAME = "หลักฐาน-ใบเสนอราคา.txt"
ATTACHMENT_TEXT = "ใบเสนอราคาสามใบ ลายมือเดียวกัน [sentinel attachment]\n"
COUNSELOR_QUESTION = "ขอทราบวันที่และจำนวนเงินโดยประมาณ [sentinel counselor]"
REPORTER_REPLY = "ประมาณห้าหมื่นบาท จ่ายเป็นเงินสด [sentinel reporter]"
REQUEST_REASON = "ต้องสอบปากคำผู้แจ้งเป็นพยาน [sentinel request reason]"
HOLD_REASON = "ศาลปกครองขอให้เก็บรักษาเรื่องไว้ [sentinel legal hold]"
RATING_COMMENT = "เจ้าหน้าที่ตอบเร็ว ขอบคุณมาก [sentinel rating]"
QUESTION_ANSWER = "รับได้หากมูลค่าไม่เกินสามพันบาทและไม่ใช่ผู้มีส่วนได้เสีย [sentinel answer]"
FAQ_QUESTION = "ของขวัญปีใหม่จากผู้ที่ทำงานกับหน่วยงาน รับได้หรือไม่ [sentinel faq]"
SUBJECT = "นายสมมติ ตัวอย่าง"
PHONE_TITLE = "ผู้โทรแจ้งว่าเจ้าหน้าที่พัสดุแบ่งซื้อแบ่งจ้าง [sentinel phone]"
PHONE_BODY = {"what": PHONE_TITLE}
REGISTER_ROWS = [
    {
        "external_ref": "2568/001", "org_code": DEMO_ORGANISATION, "kind": "report",
        "category": "bribery", "channel": "letter", "received_date": "15/11/2567",
        "acknowledged_date": "2024-11-18", "closed_date": "2025-03-01",
        "finding": "substantiated", "anonymous": "no", "subject_key": SUBJECT,
        "amount_recovered": "12,500.50",
    },
    {
        "external_ref": "2568/002", "org_code": DEMO_ORGANISATION, "kind": "question",
        "category": "law", "channel": "phone", "received_date": "2025-01-07",
    },
]  # fmt: skip


def _receipts(output: str) -> list[str]:
    return re.findall(r"Demo (?:question|report) receipt \(shown only now\): ([\d ]+)", output)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _private(user: User) -> bytes:
    unlocked = staff_key_unlock(user=user, password=DEMO_PASSWORD)
    assert not unlocked.replaced
    return unlocked.private


def _content(case: Case, key: bytes) -> dict[str, Any]:
    """What the case decrypts to as stored (routing adds to the body what it decided)."""
    content = case_content(case=case, key=key)
    return {"title": content.title, "body": content.body}


def _register_csv(directory: Path) -> Path:
    path = directory / "register-2568.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(REGISTER_ROWS)
    return path


def _report(organisation: Organisation) -> NewCase:
    """A web report with a file and a disclosed identity, as the public form makes it."""
    return report_submit(
        organisation=organisation,
        category=Category.objects.get(kind=CaseKind.REPORT, code="bribery"),
        body=REPORT_BODY,
        identity=IDENTITY,
        attachments=[
            CleanAttachment(
                name=ATTACHMENT_NAME,
                file=clean(ATTACHMENT_TEXT.encode(), max_pixels=1_000_000),
            )
        ],
    )


def _phone_report() -> NewCase:
    """A report a counselor takes down by telephone, naming a colleague, who is kept out."""
    return case_file_for_caller(
        user=_user("counselor"),
        kind=CaseKind.REPORT,
        category=Category.objects.get(kind=CaseKind.REPORT, code="procurement-fraud"),
        channel=Channel.PHONE,
        title=PHONE_TITLE,
        body=PHONE_BODY,
        excluded=[_user("custodian")],
    )


def _handle_report(case: Case, key: bytes, clock: Any) -> None:
    """Assigned, read, a question each way, the identity asked for and granted, concluded,
    closed, rated and put on legal hold."""
    supervisor, counselor, custodian = _user("supervisor"), _user("counselor"), _user("custodian")
    case_assign(
        case_id=case.pk, counselor=counselor, supervisor=supervisor, private=_private(supervisor)
    )
    conflict_declare(case=case, user=counselor)
    case_read_record(case=case, user=counselor)
    asked = reply_add(
        case=case, key=key, user=counselor, kind=ReplyKind.QUESTION, body=COUNSELOR_QUESTION
    )
    case_seen_record(case=case, user=counselor, up_to=asked.pk)
    clock.shift(timedelta(hours=20))
    reporter_reply(case=case, key=key, body=REPORTER_REPLY, attachments=[])
    request = identity_request_create(case=case, requester=counselor, reason=REQUEST_REASON)
    identity_request_decide(
        request_id=request.pk, custodian=custodian, private=_private(custodian), approve=True
    )
    clock.shift(timedelta(days=1))
    for name in ("acknowledge", "assess", "investigate"):
        case_transition(case_id=case.pk, name=name, actor=counselor, key=key)
    clock.shift(timedelta(days=3))
    case_transition(
        case_id=case.pk,
        name="conclude",
        actor=counselor,
        key=key,
        finding="substantiated",
        subjects=(SUBJECT,),
    )
    case_transition(
        case_id=case.pk,
        name="record_action",
        actor=counselor,
        key=key,
        action_type="disciplinary",
        penalty="none",
    )
    case_transition(case_id=case.pk, name="close_report", actor=supervisor, key=key)
    clock.shift(timedelta(hours=3))
    assert rating_give(case=case, key=key, score=4, comment=RATING_COMMENT) is not None
    legal_hold_place(case_id=case.pk, supervisor=supervisor, key=key, reason=HOLD_REASON)


def _answer_question(case: Case, key: bytes) -> None:
    """The demo question: assigned, answered, and turned into a published FAQ entry."""
    supervisor, counselor = _user("supervisor"), _user("counselor")
    case_assign(
        case_id=case.pk, counselor=counselor, supervisor=supervisor, private=_private(supervisor)
    )
    case_transition(case_id=case.pk, name="start", actor=counselor, key=key)
    reply_add(case=case, key=key, user=counselor, kind=ReplyKind.ANSWER, body=QUESTION_ANSWER)
    case_transition(case_id=case.pk, name="answer", actor=counselor, key=key)
    entry = faq_draft_create(
        case=Case.objects.get(pk=case.pk),  # answered now
        key=key,
        user=counselor,
        question_th=FAQ_QUESTION,
        answer_th="รับได้เฉพาะตามประเพณีและมูลค่าไม่เกินที่ ป.ป.ช. กำหนด",
    )
    faq_publish(entry_id=entry.pk, supervisor=supervisor)


def _administration() -> None:
    """What the administration site writes: a policy, a group with a permission, its log."""
    admin = _user("admin")
    policy = DeadlinePolicy.objects.create(
        organisation=Organisation.objects.get(code="S260102"), acknowledge_days=5
    )
    group = Group.objects.create(name="คณะกรรมการจริยธรรม")
    group.permissions.add(Permission.objects.get(codename="view_case"))
    _user("custodian").groups.add(group)
    admin.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(DeadlinePolicy),
        object_id=str(policy.pk),
        object_repr=str(policy)[:200],
        action_flag=CHANGE,
        change_message="[]",
    )


def scenario_run(var_dir: Path) -> dict[str, Any]:
    """Make everything, on the fixed clock; returns the cases and what each must decrypt to."""
    with time_machine.travel(START, tick=False) as clock:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        question_receipt, demo_receipt = _receipts(out.getvalue())
        organisation = Organisation.objects.get(code=DEMO_ORGANISATION)
        clock.shift(timedelta(hours=1))
        new = _report(organisation)
        report, report_receipt = new.case, new.receipt.display
        _handle_report(report, new.key, clock)
        opened = receipt_open(question_receipt)
        assert opened is not None
        question, question_key = opened
        _answer_question(question, question_key)
        phone = _phone_report()
        _administration()
        register_import(path=_register_csv(var_dir), actor=_user("admin"))
        # The demo report stays unacknowledged: past its deadline the scan escalates it.
        clock.shift(timedelta(days=10))
        assert deadlines_scan() > 0
        for year in rollup_years():
            rollup_year_build(fiscal_year=year)
        checkpoint = checkpoint_create()
        demo_opened = receipt_open(demo_receipt)
        assert demo_opened is not None
        demo_report, demo_key = demo_opened
    signing = keyring().current_signing
    return {
        "clock": START.isoformat(),
        "fiscal_year": fiscal_year_of(START).be,
        "signing_key": {"kid": signing.kid, "public": signing.public_hex},
        "checkpoint_seq": checkpoint.seq,
        "cases": {
            "report": {
                "id": report.pk,
                "uid": str(report.uid),
                "receipt": report_receipt,
                **_content(report, new.key),
                "messages": [COUNSELOR_QUESTION, REPORTER_REPLY, HOLD_REASON],
                "attachment": {"name": ATTACHMENT_NAME, "content": ATTACHMENT_TEXT},
                "identity": IDENTITY,
                "identity_request_reason": REQUEST_REASON,
                "rating_comment": RATING_COMMENT,
                "subject": SUBJECT,
            },
            "question": {
                "id": question.pk,
                "uid": str(question.uid),
                "receipt": question_receipt,
                **_content(question, question_key),
                "messages": [QUESTION_ANSWER],
                "faq_question": FAQ_QUESTION,
            },
            "phone_report": {
                "id": phone.case.pk,
                "uid": str(phone.case.uid),
                "receipt": phone.receipt.display,
                **_content(phone.case, phone.key),
            },
            "demo_report": {
                "id": demo_report.pk,
                "uid": str(demo_report.uid),
                "receipt": demo_receipt,
                **_content(demo_report, demo_key),
            },
        },
    }
