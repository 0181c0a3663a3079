"""Attachments: judged by content, stripped of metadata before encryption, refused whole."""

import io
import zipfile

import pytest
from django.test import Client
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import NameObject, TextStringObject

from cases import files
from cases.models import Attachment, Case
from cases.receipts import receipt_open
from cases.selectors import attachment_chunks, attachment_meta
from tests.hotline.intake import (
    SECRET_PLACE,
    chunked_files,
    docx_with_properties,
    file_and_keep_receipt,
    jpeg_with_gps,
    pdf_with_metadata,
    png_with_text,
    report_data,
    upload,
)


def stored_files(receipt: str) -> list[tuple[dict[str, str], bytes]]:
    opened = receipt_open(receipt)
    assert opened is not None
    case, key = opened
    return [
        (attachment_meta(attachment=a, key=key), b"".join(attachment_chunks(attachment=a, key=key)))
        for a in Attachment.objects.filter(case=case).order_by("pk")
    ]


def file_report(tree, *uploads) -> str:
    data = report_data(tree, attachments=list(uploads))
    return file_and_keep_receipt(Client(), f"/o/{tree.municipality.code}/report/", data)


def test_it_removes_exif_and_gps_from_a_photo(tree):
    original = jpeg_with_gps()
    assert b"SENTINEL-CAMERA-MAKER" in original and SECRET_PLACE.encode() in original
    receipt = file_report(tree, upload("IMG_0001.jpg", original, "image/jpeg"))
    [(meta, stored)] = stored_files(receipt)
    assert meta == {"name": "IMG_0001.jpg", "type": "image/jpeg"}
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(0x8825)
    assert "exif" not in image.info and "comment" not in image.info
    assert b"SENTINEL" not in stored and b"Exif" not in stored
    assert image.size == (60, 80)  # turned upright before the orientation tag went


def test_it_removes_text_chunks_from_a_png(tree):
    receipt = file_report(tree, upload("screen.png", png_with_text()))
    [(meta, stored)] = stored_files(receipt)
    assert meta["type"] == "image/png"
    assert b"SENTINEL" not in stored
    assert Image.open(io.BytesIO(stored)).size == (20, 20)


def test_it_removes_pdf_metadata_and_xmp(tree):
    original = pdf_with_metadata()
    assert b"SENTINELPDFAUTHOR" in original and b"SENTINEL-PDF-XMP" in original
    receipt = file_report(tree, upload("สัญญา.pdf", original))
    [(meta, stored)] = stored_files(receipt)
    assert meta == {"name": "สัญญา.pdf", "type": "application/pdf"}
    assert b"SENTINEL" not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    assert not reader.metadata
    assert reader.xmp_metadata is None


def test_it_blanks_office_document_properties(tree):
    receipt = file_report(tree, upload("memo.docx", docx_with_properties()))
    [(meta, stored)] = stored_files(receipt)
    assert meta["type"].endswith("wordprocessingml.document")
    assert b"SENTINEL" not in stored
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        assert "ข้อความในเอกสาร" in archive.read("word/document.xml").decode()
        assert archive.read("docProps/core.xml").endswith(b"/>")
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_file_is_judged_by_its_content_not_its_name(tree):
    receipt = file_report(tree, upload("photo.pdf", jpeg_with_gps(), "application/pdf"))
    [(meta, _)] = stored_files(receipt)
    assert meta == {"name": "photo.pdf.jpg", "type": "image/jpeg"}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "only photos"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40, "only photos"),
        ("macro.docx", docx_with_properties(macros=True), "contains macros"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "could not be read"),
        ("empty.txt", b"", "only photos"),
    ],
)
def test_a_disallowed_file_is_refused_and_nothing_is_stored(tree, media, name, data, message):
    good = upload("ok.jpg", jpeg_with_gps())
    bad = upload(name, data)
    response = Client().post(
        f"/en/o/{tree.municipality.code}/report/", report_data(tree, attachments=[good, bad])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page or "it is empty" in page
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert chunked_files() == []


def test_files_over_the_size_limit_are_refused(tree, media, settings):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = 50_000
    big = upload("big.txt", b"a" * 60_000)
    response = Client().post(
        f"/en/o/{tree.municipality.code}/report/", report_data(tree, attachments=[big])
    )
    page = response.content.decode()
    assert "“big.txt” was not accepted: each file must be at most 48.8" in page
    assert "Up to 5 files, each at most 48.8" in page  # the limit is stated on the form
    assert not Case.objects.exists() and chunked_files() == []


def test_too_many_files_are_refused(tree, media, settings):
    settings.HOTLINE_ATTACHMENT_MAX_COUNT = 2
    uploads = [upload(f"n{i}.txt", b"note %d" % i) for i in range(3)]
    response = Client().post(
        f"/en/o/{tree.municipality.code}/report/", report_data(tree, attachments=uploads)
    )
    assert "at most 2 files can be sent" in response.content.decode()
    assert not Case.objects.exists() and chunked_files() == []


def test_a_failure_while_storing_files_leaves_no_case_and_no_file(tree, media, monkeypatch):
    from cases import services as case_services

    real = case_services.attachment_add
    calls = []

    def failing_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr("hotline.services.attachment_add", failing_second)
    uploads = [upload("a.txt", b"first"), upload("b.txt", b"second")]
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/o/{tree.municipality.code}/report/", report_data(tree, attachments=uploads)
    )
    assert response.status_code == 500
    assert len(calls) == 2
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert chunked_files() == []


class TestSniff:
    def test_it_knows_the_allowed_kinds(self):
        assert files.sniff(jpeg_with_gps()) == files.FileKind.JPEG
        assert files.sniff(png_with_text()) == files.FileKind.PNG
        assert files.sniff(pdf_with_metadata()) == files.FileKind.PDF
        assert files.sniff(docx_with_properties()) == files.FileKind.DOCX
        assert files.sniff("บันทึก\r\n".encode()) == files.FileKind.TEXT
        assert files.sniff("บันทึก".encode("cp874")) == files.FileKind.TEXT

    @pytest.mark.parametrize(
        "data",
        [b"GIF89a\x01\x00", b"\x00\x00\x00\x18ftypheic", b"\x7fELF\x02\x01", b"text\x00nul"],
    )
    def test_it_refuses_anything_else(self, data):
        with pytest.raises(files.FileRefused):
            files.sniff(data)

    def test_thai_text_in_the_windows_code_page_is_stored_as_utf8(self):
        cleaned = files.clean("สวัสดี".encode("cp874"), max_pixels=1)
        assert cleaned.data.decode() == "สวัสดี"

    def test_an_image_with_too_many_pixels_is_refused(self):
        with pytest.raises(files.FileRefused) as refused:
            files.clean(jpeg_with_gps((400, 300)), max_pixels=1000)
        assert refused.value.reason == files.Refused.TOO_BIG


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_every_kind_of_image_metadata_goes(fmt):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (13.0, 45.0, 1.5)}
    exif[0x013B] = "SENTINEL-ARTIST"
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(
        out,
        fmt,
        exif=exif.tobytes(),
        icc_profile=b"SENTINEL-ICC" * 10,
        xmp=b"<x:xmpmeta>SENTINEL-XMP</x:xmpmeta>",
    )
    assert b"SENTINEL" in out.getvalue()
    assert "icc_profile" in Image.open(io.BytesIO(out.getvalue())).info
    cleaned = files.clean(out.getvalue(), max_pixels=10_000)
    assert b"SENTINEL" not in cleaned.data
    image = Image.open(io.BytesIO(cleaned.data))
    assert dict(image.getexif()) == {} and "icc_profile" not in image.info


def _docx_with_authors() -> bytes:
    from tests.hotline.intake import jpeg_with_gps

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<w:document><w:ins w:id="1" w:author="SENTINEL-REVISER" w:date="2026-11-01T09:13:00Z">'
            "<w:t>เพิ่ม</w:t></w:ins></w:document>",
        )
        archive.writestr(
            "word/comments.xml",
            '<w:comments><w:comment w:id="0" w:author="SENTINEL-COMMENTER" w:initials="SC">'
            "</w:comment></w:comments>",
        )
        archive.writestr(
            "word/people.xml",
            '<w15:people><w15:person w15:author="SENTINEL-PERSON"><w15:presenceInfo '
            'w15:providerId="AD" w15:userId="S-1-5-21-SENTINEL"/></w15:person></w15:people>',
        )
        archive.writestr("word/media/image1.jpeg", jpeg_with_gps())
        archive.writestr(
            "xl/workbook.xml",
            '<workbook><x15ac:absPath url="C:\\Users\\SENTINEL-WINUSER\\Desktop\\" '
            'xmlns:x15ac="x"/></workbook>',
        )
    return out.getvalue()


def test_office_documents_lose_their_authors_and_embedded_photo_metadata():
    cleaned = files.clean(_docx_with_authors(), max_pixels=10_000_000).data
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist() if not n.endswith(".jpeg"))
        photo = Image.open(io.BytesIO(archive.read("word/media/image1.jpeg")))
        document = archive.read("word/document.xml").decode()
    assert b"SENTINEL" not in text
    assert not photo.getexif()
    assert "เพิ่ม" in document  # the words the reporter chose to send stay


def test_pdf_annotations_lose_their_author():
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    note = FreeText(text="หมายเหตุ", rect=(10, 10, 100, 50))
    note[NameObject("/T")] = TextStringObject("SENTINEL-ANNOTATOR")
    writer.add_annotation(page_number=0, annotation=note)
    out = io.BytesIO()
    writer.write(out)
    cleaned = files.clean(out.getvalue(), max_pixels=10_000_000).data
    assert b"SENTINEL-ANNOTATOR" not in cleaned
    assert PdfReader(io.BytesIO(cleaned)).pages[0]["/Annots"]
