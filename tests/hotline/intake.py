"""Shared helpers for the public-side tests: organisations that can receive cases, files with
metadata to remove, and a reporter who files through the real pages."""

import io
import re
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfWriter

from cases.models import AttachmentChunk, CaseKind, Category
from cases.recovery import recovery_kit_create
from core.models import Organisation, OrganisationType, Role, User
from tests.cases.factories import KIT_PASSPHRASE, staff_with_key
from tests.factories import CategoryFactory, OrganisationFactory

SECRET_PLACE = "SENTINEL-GPS-PLACE"
GPS = {1: "N", 2: (13.0, 45.0, 1.5), 3: "E", 4: (100.0, 30.0, 2.0)}


@dataclass
class Tree:
    province: Organisation
    district: Organisation
    municipality: Organisation
    supervisor: User  # of the municipality
    supervisor_key: bytes
    counselor: User  # of the municipality
    district_supervisor: User
    district_key: bytes
    report_category: Category
    question_category: Category
    retaliation_category: Category


def organisation_tree() -> Tree:
    province = OrganisationFactory(
        code="P90", name_th="จังหวัดทดสอบ", name_en="Test Province", type=OrganisationType.PROVINCE
    )
    district = OrganisationFactory(
        code="D9001",
        name_th="อำเภอเมืองทดสอบ",
        name_en="Mueang Test District",
        type=OrganisationType.DISTRICT,
        parent=province,
    )
    municipality = OrganisationFactory(
        code="M900101",
        name_th="องค์การบริหารส่วนตำบลท่าทดสอบ",
        name_en="Tha Test Subdistrict Administrative Organisation",
        type=OrganisationType.SAO,
        parent=district,
    )
    recovery_kit_create(organisation=municipality, passphrase=KIT_PASSPHRASE)
    supervisor, supervisor_key = staff_with_key(
        Role.SUPERVISOR, municipality, first_name="ประเสริฐ", last_name="มั่นคง"
    )
    counselor, _ = staff_with_key(Role.COUNSELOR, municipality, first_name="สมหญิง", last_name="ใจดี")
    district_supervisor, district_key = staff_with_key(Role.SUPERVISOR, district)
    return Tree(
        province=province,
        district=district,
        municipality=municipality,
        supervisor=supervisor,
        supervisor_key=supervisor_key,
        counselor=counselor,
        district_supervisor=district_supervisor,
        district_key=district_key,
        report_category=CategoryFactory(
            kind=CaseKind.REPORT, code="bribery", label_th="การเรียกรับสินบน", label_en="Bribery"
        ),
        question_category=CategoryFactory(
            kind=CaseKind.QUESTION, code="gifts", label_th="ของขวัญ", label_en="Gifts"
        ),
        retaliation_category=CategoryFactory(
            kind=CaseKind.REPORT,
            code="retaliation",
            label_th="การกลั่นแกล้งผู้แจ้งเบาะแส",
            label_en="Retaliation",
        ),
    )


def jpeg_with_gps(size: tuple[int, int] = (80, 60)) -> bytes:
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SENTINEL-CAMERA-MAKER"
    exif[0x0112] = 6  # rotated: the cleaned image must come out upright
    exif[0x8825] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=SECRET_PLACE.encode())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "SENTINEL-PNG-AUTHOR")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_metadata() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "SENTINELPDFAUTHOR", "/Creator": "SENTINELPDFCREATOR"})
    writer.xmp_metadata = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#">SENTINEL-PDF-XMP</rdf:RDF></x:xmpmeta>'
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_properties(*, macros: bool = False) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document>ข้อความในเอกสาร</w:document>")
        archive.writestr(
            "docProps/core.xml", "<cp:coreProperties>SENTINEL-DOCX-AUTHOR</cp:coreProperties>"
        )
        archive.writestr("docProps/app.xml", "<Properties>SENTINEL-DOCX-COMPANY</Properties>")
        archive.writestr("docProps/custom.xml", "<Properties>SENTINEL-DOCX-CUSTOM</Properties>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def report_data(tree: Tree, **overrides) -> dict:
    return {
        "category": str(tree.report_category.pk),
        "what": "ปลัดเรียกเงินใต้โต๊ะจากผู้รับเหมา",
        "when_where": "",
        "who": "",
        "how_known": "saw",
        "ongoing": "yes",
        "website": "",
    } | overrides


RECEIPT_GROUPS = re.compile(r'<p class="receipt"[^>]*>(.*?)</p>', re.S)


def receipt_on(page: str) -> str:
    """The receipt digits shown on a receipt page."""
    match = RECEIPT_GROUPS.search(page)
    assert match, "no receipt on the page"
    return re.sub(r"\D", "", re.sub(r"<[^>]+>", "", match.group(1)))


def file_and_keep_receipt(client: Client, path: str, data: dict) -> str:
    """Submits a form, reads the receipt once and confirms it, as a reporter would."""
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response.headers["Location"]).content.decode()
    digits = receipt_on(page)
    confirmed = client.post("/receipt/confirm/", {"last_group": digits[-4:]})
    assert confirmed.headers["Location"] == "/sent/"
    return digits


def open_case(client: Client, receipt: str) -> None:
    response = client.post("/return/", {"receipt": receipt})
    assert response.headers.get("Location") == "/case/", response.content.decode()[:2000]


def chunked_files() -> list[int]:
    """The attachments whose encrypted file is stored (cases.storage keeps it in the database)."""
    return sorted(set(AttachmentChunk.objects.values_list("attachment_id", flat=True)))
