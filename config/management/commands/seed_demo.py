from base64 import b32encode
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from audit.models import Action, Event
from audit.services import event_record
from cases.assignment import case_assign
from cases.models import CaseKind, Category, Channel, RecoveryKey, StaffKey
from cases.recovery import kit_dumps, recovery_kit_create
from cases.services import case_create
from cases.staff_keys import staff_key_endorse, staff_key_unlock
from core.models import Organisation, OrganisationType, Role, SealedTOTPDevice, User
from counselors.services import backup_codes_issue, totp_device_create

DEMO_PASSWORD = "hotline-demo-2569"  # noqa: S105 -- printed for newcomers; refused in production
DEMO_KIT_PASSPHRASE = "demo-recovery-kit-2569"  # noqa: S105 -- likewise
DEMO_ORGANISATION = "M260101"

ORGANISATIONS = [
    # code, parent code, type, Thai name, English name, headcount, population
    ("MOI", None, OrganisationType.MINISTRY, "กระทรวงมหาดไทย", "Ministry of Interior", 0, 0),
    ("P26", "MOI", OrganisationType.PROVINCE, "จังหวัดนครนายก", "Nakhon Nayok Province", 420, 260000),
    (
        "D2601",
        "P26",
        OrganisationType.DISTRICT,
        "อำเภอเมืองนครนายก",
        "Mueang Nakhon Nayok District",
        60,
        105000,
    ),
    (
        "PAO26",
        "P26",
        OrganisationType.PAO,
        "องค์การบริหารส่วนจังหวัดนครนายก",
        "Nakhon Nayok Provincial Administrative Organisation",
        310,
        260000,
    ),
    (
        "M260101",
        "D2601",
        OrganisationType.MUNICIPALITY,
        "เทศบาลเมืองนครนายก",
        "Nakhon Nayok Town Municipality",
        180,
        21000,
    ),
    (
        "S260102",
        "D2601",
        OrganisationType.SAO,
        "องค์การบริหารส่วนตำบลท่าช้าง",
        "Tha Chang Subdistrict Administrative Organisation",
        45,
        7800,
    ),
    (
        "S260103",
        "D2601",
        OrganisationType.SAO,
        "องค์การบริหารส่วนตำบลศรีจุฬา",
        "Si Chula Subdistrict Administrative Organisation",
        38,
        6400,
    ),
]

CATEGORIES = [
    # kind, code, Thai, English, counts as corruption
    (CaseKind.QUESTION, "ethics", "จริยธรรมและการวางตัว", "Ethics and conduct", False),
    (CaseKind.QUESTION, "procurement", "การจัดซื้อจัดจ้าง", "Procurement", False),
    (CaseKind.QUESTION, "law", "กฎหมายและระเบียบ", "Laws and regulations", False),
    (CaseKind.QUESTION, "conflict", "ผลประโยชน์ทับซ้อน", "Conflict of interest", False),
    (CaseKind.QUESTION, "gifts", "การรับของขวัญและประโยชน์อื่นใด", "Gifts and benefits", False),
    (CaseKind.QUESTION, "other", "เรื่องอื่น ๆ", "Other", False),
    (CaseKind.REPORT, "corruption", "การทุจริต", "Corruption", True),
    (CaseKind.REPORT, "bribery", "การเรียกรับสินบน", "Bribery", True),
    (CaseKind.REPORT, "procurement-fraud", "การทุจริตในการจัดซื้อจัดจ้าง", "Procurement fraud", True),
    (CaseKind.REPORT, "abuse-of-power", "การใช้อำนาจโดยมิชอบ", "Abuse of power", True),
    (CaseKind.REPORT, "ethics-violation", "การฝ่าฝืนประมวลจริยธรรม", "Ethics violation", False),
    (
        CaseKind.REPORT,
        "retaliation",
        "การกลั่นแกล้งผู้แจ้งเบาะแส",
        "Retaliation against a reporter",
        False,
    ),
    (CaseKind.REPORT, "other", "เรื่องอื่น ๆ", "Other wrongdoing", False),
]

USERS = [
    # username, role, organisation code, first name, last name
    ("counselor", Role.COUNSELOR, "M260101", "สมหญิง", "ใจดี"),
    ("supervisor", Role.SUPERVISOR, "M260101", "ประเสริฐ", "มั่นคง"),
    ("custodian", Role.CUSTODIAN, "M260101", "วิไล", "รักษ์ธรรม"),
    ("auditor", Role.AUDITOR, "P26", "สุรชัย", "ตรวจสอบ"),
    # Where a report naming the municipality's mayor or counselors goes (docs/architecture.md §1).
    ("district", Role.SUPERVISOR, "D2601", "อำนาจ", "เที่ยงตรง"),
    ("admin", Role.ADMINISTRATOR, None, "ผู้ดูแล", "ระบบ"),
]


class Command(BaseCommand):
    help = "Load demo organisations, categories and one user per role (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates known passwords and is refused in production")
        with transaction.atomic():
            first_time = not Event.objects.filter(action=Action.DEMO_SEEDED).exists()
            self._organisations()
            self._categories()
            lines = [self._user(*spec) for spec in USERS]
            kits = [self._recovery_kit(code) for code, *_ in ORGANISATIONS]
            receipts = self._cases() if first_time else []
            if first_time:
                event_record(action=Action.DEMO_SEEDED)
        self.stdout.write(f"Demo data is ready. Sign in at {settings.SITE_URL}/staff/login/")
        self.stdout.write(f"Every demo user's password is {DEMO_PASSWORD}")
        self.stdout.write("Add the TOTP key to an authenticator app, or use the backup code once.")
        self.stdout.write("")
        self.stdout.write(f"{'username':<12} {'role':<14} {'TOTP key':<34} backup code")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
        kits_glob = kits[0].parent / "demo-recovery-kit-*.json"
        self.stdout.write(f"Recovery kits (passphrase {DEMO_KIT_PASSPHRASE}): {kits_glob}")
        for kind, receipt in receipts:
            self.stdout.write(f"Demo {kind} receipt (shown only now): {receipt}")
        self.stdout.write("")
        for line in _newcomer_notes():
            self.stdout.write(line)

    def _recovery_kit(self, code: str) -> Path:
        """Every demo organisation can receive cases, so no demo path ends in a refusal."""
        organisation = Organisation.objects.get(code=code)
        path = Path(settings.VAR_DIR) / f"demo-recovery-kit-{organisation.code}.json"
        if not RecoveryKey.objects.filter(organisation=organisation, is_active=True).exists():
            _, kit = recovery_kit_create(organisation=organisation, passphrase=DEMO_KIT_PASSPHRASE)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(kit_dumps(kit))
        return path

    def _cases(self) -> list[tuple[str, str]]:
        organisation = Organisation.objects.get(code=DEMO_ORGANISATION)
        question = case_create(
            kind=CaseKind.QUESTION,
            organisation=organisation,
            category=Category.objects.get(kind=CaseKind.QUESTION, code="gifts"),
            channel=Channel.WEB,
            title="รับกระเช้าปีใหม่จากผู้รับเหมาได้หรือไม่",
            body={"question": "ผู้รับเหมาที่ทำงานกับเทศบาลส่งกระเช้าปีใหม่มาให้ รับได้หรือไม่"},
        )
        report = case_create(
            kind=CaseKind.REPORT,
            organisation=organisation,
            category=Category.objects.get(kind=CaseKind.REPORT, code="procurement-fraud"),
            channel=Channel.WEB,
            title="ฮั้วประมูลซ่อมถนนหมู่ 4",
            body={"what": "ผู้เสนอราคาสามรายเป็นเครือญาติกัน ราคาต่างกันไม่ถึงหนึ่งพันบาท"},
        )
        # The demo counselor holds the report at once, as if the supervisor had assigned it.
        supervisor = User.objects.get(username="supervisor")
        case_assign(
            case_id=report.case.pk,
            counselor=User.objects.get(username="counselor"),
            supervisor=supervisor,
            private=staff_key_unlock(user=supervisor, password=DEMO_PASSWORD).private,
        )
        return [("question", question.receipt.display), ("report", report.receipt.display)]

    def _organisations(self) -> None:
        for code, parent, kind, name_th, name_en, headcount, population in ORGANISATIONS:
            Organisation.objects.update_or_create(
                code=code,
                defaults={
                    "parent": Organisation.objects.get(code=parent) if parent else None,
                    "type": kind,
                    "name_th": name_th,
                    "name_en": name_en,
                    "headcount": headcount,
                    "population": population,
                },
            )

    def _categories(self) -> None:
        for order, (kind, code, label_th, label_en, corruption) in enumerate(CATEGORIES):
            Category.objects.update_or_create(
                kind=kind,
                code=code,
                defaults={
                    "label_th": label_th,
                    "label_en": label_en,
                    "is_corruption": corruption,
                    "sort_order": order,
                },
            )

    def _user(self, username: str, role: Role, org: str | None, first: str, last: str) -> str:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, first_name=first, last_name=last)
            user.organisation = Organisation.objects.get(code=org) if org else None
            user.set_password(DEMO_PASSWORD)
            user.save()
        staff_key_unlock(user=user, password=DEMO_PASSWORD)
        if not StaffKey.objects.filter(user=user, endorsed_role=user.role).exists():
            # What the ethics committee does with its recovery kit in real life.
            staff_key_endorse(user=user, via="demo")
        device = SealedTOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = totp_device_create(user=user, confirmed=True)
        backup = StaticToken.objects.filter(
            device__in=StaticDevice.objects.filter(user=user)
        ).first()
        code = backup.token if backup else backup_codes_issue(user=user)[0]
        secret = b32encode(device.bin_key).decode()
        return f"{username:<12} {role.value:<14} {secret:<34} {code}"


def _newcomer_notes() -> list[str]:
    """What a newcomer needs before trying the demo: where cases go and who may open them."""
    by_code = {code: (name_en, code) for code, _, _, _, name_en, *_ in ORGANISATIONS}
    staffed = sorted({org for _, _, org, *_ in USERS if org})
    return [
        "Every demo organisation receives questions and reports: "
        + ", ".join(f"{name} ({code})" for name, code in by_code.values())
        + ".",
        f"Try the public side at {settings.SITE_URL}/o/{DEMO_ORGANISATION}/ ; a report naming "
        f"the head of {DEMO_ORGANISATION} goes to its district, D2601 (user 'district').",
        "Staff sign in at: " + ", ".join(staffed) + ". A supervisor assigns each new case to a "
        "counselor before the counselor can open it; the demo report is already assigned to "
        "'counselor'.",
    ]
