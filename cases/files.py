"""What an uploaded file really is, judged by its content, and the same file without the
metadata that could identify the person who made it (docs/architecture.md §3, "Anonymity").

Pure functions on bytes: the caller enforces size limits before and stores the result after.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from cases.pdf import pdf_clean
from cases.refusals import FileRefused, Refused

__all__ = ["CleanAttachment", "CleanFile", "FileKind", "FileRefused", "Refused", "clean", "sniff"]


class FileKind(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    TEXT = "text"


MEDIA_TYPES: Final = {
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.TEXT: "text/plain; charset=utf-8",
}
EXTENSIONS: Final = {
    FileKind.JPEG: ".jpg",
    FileKind.PNG: ".png",
    FileKind.PDF: ".pdf",
    FileKind.DOCX: ".docx",
    FileKind.XLSX: ".xlsx",
    FileKind.PPTX: ".pptx",
    FileKind.TEXT: ".txt",
}

# The main part's content type in [Content_Types].xml; macro-enabled variants differ.
_OFFICE_MAIN: Final = {
    FileKind.DOCX: b"wordprocessingml.document.main+xml",
    FileKind.XLSX: b"spreadsheetml.sheet.main+xml",
    FileKind.PPTX: b"presentationml.presentation.main+xml",
}
_ZIP_MAX_MEMBERS: Final = 5000
_ZIP_MAX_UNPACKED: Final = 200 * 1024 * 1024  # a "zip bomb" unpacks to far more
_ZIP_MAX_MEMBER: Final = 64 * 1024 * 1024  # the largest single part held in memory
# Office XML deflates about 10:1 and pictures hardly at all; a bomb, up to about 1000:1.
_ZIP_MAX_RATIO: Final = 200
_CONTENT_TYPES_MAX: Final = 1_000_000
# What a damaged zip raises (NotImplementedError: a compression method zipfile lacks).
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    OSError,
    ValueError,
    EOFError,
)
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)  # zip timestamps would tell when it was edited
_TEXT_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_BLANK_PROPERTIES: Final = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/docPropsVTypes"/>'
    ),
}


@dataclass(frozen=True)
class CleanFile:
    kind: FileKind
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


@dataclass(frozen=True)
class CleanAttachment:
    name: str
    file: CleanFile


def sniff(data: bytes) -> FileKind:
    """The file's kind from its first bytes (and, for office files, its parts)."""
    if not data:
        raise FileRefused(Refused.EMPTY)
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if data[:1024].lstrip(b"\r\n\t \x00").startswith(b"%PDF-"):
        return FileKind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if _text_of(data) is not None:
        return FileKind.TEXT
    raise FileRefused(Refused.TYPE)


def _office_kind(data: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise FileRefused(Refused.TYPE)
            info = archive.getinfo("[Content_Types].xml")
            content_types = _member_read(archive, info, limit=_CONTENT_TYPES_MAX)
    except _ZIP_ERRORS:
        raise FileRefused(Refused.TYPE) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(Refused.MACROS)
    for kind, main in _OFFICE_MAIN.items():
        if main in content_types:
            return kind
    raise FileRefused(Refused.TYPE)


def _member_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> bytes:
    """A member's bytes, never inflating more than `limit`: its declared size and compression
    ratio are checked before anything is read, and the read itself stops at the limit (a
    member may lie about its size). ZipFile.read would inflate all of it first."""
    if info.file_size > limit or info.file_size > _ZIP_MAX_RATIO * max(info.compress_size, 1):
        raise FileRefused(Refused.TOO_BIG)
    with archive.open(info) as member:
        body = member.read(limit + 1)
    if len(body) > limit:
        raise FileRefused(Refused.TOO_BIG)
    return body


def _text_of(data: bytes) -> str | None:
    """Plain text in UTF-8 or in the Thai Windows code page, without binary control bytes."""
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _TEXT_CONTROL.search(text) else text
    return None


def clean(data: bytes, *, max_pixels: int) -> CleanFile:
    """The file re-made without its metadata, or FileRefused."""
    kind = sniff(data)
    if kind in (FileKind.JPEG, FileKind.PNG):
        return CleanFile(kind, _image_clean(data, kind, max_pixels))
    if kind == FileKind.PDF:
        return CleanFile(kind, pdf_clean(data, max_pixels))
    if kind == FileKind.TEXT:
        text = _text_of(data)
        assert text is not None  # sniff said so
        return CleanFile(kind, text.encode())
    return CleanFile(kind, _office_clean(data, max_pixels))


def _image_clean(data: bytes, kind: FileKind, max_pixels: int) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise FileRefused(Refused.TOO_BIG)
            image.load()
            # Turn the pixels the way the camera meant before the orientation tag goes.
            ImageOps.exif_transpose(image, in_place=True)
            keep = ("RGB", "L", "CMYK") if kind == FileKind.JPEG else ("RGB", "RGBA", "L", "LA")
            upright = (
                image
                if image.mode in keep
                else image.convert("RGB" if kind == FileKind.JPEG else "RGBA")
            )
            # Pillow writes metadata only from the save() arguments and from `info`: with
            # `info` emptied the file has no EXIF, GPS, XMP, ICC profile, comment or text.
            upright.info.clear()
            out = io.BytesIO()
            if kind == FileKind.JPEG:
                upright.save(out, "JPEG", quality=90)
            else:
                upright.save(out, "PNG")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise FileRefused(Refused.DAMAGED) from None
    return out.getvalue()


# Who wrote a tracked change or a comment, when, and from which account or folder.
_OFFICE_PERSONAL = re.compile(
    rb"\b(w:author|w:initials|w15:author|w15:userId|w15:providerId|"
    rb'w:date|w:dateUtc|w16du:dateUtc)="[^"]*"'
)
_OFFICE_ABSPATH = re.compile(rb'(<x15ac:absPath\b[^>]*\burl=)"[^"]*"')
_OFFICE_MEDIA = re.compile(
    r"^(word|xl|ppt)/media/[^/]+\.(jpe?g|png)$|^docprops/thumbnail\.(jpe?g|png)$"
)


def _office_part_clean(name: str, body: bytes, max_pixels: int) -> bytes:
    if _OFFICE_MEDIA.match(name.lower()):
        kind = sniff(body)
        if kind in (FileKind.JPEG, FileKind.PNG):
            return _image_clean(body, kind, max_pixels)
        return body
    if name.endswith((".xml", ".rels")):
        body = _OFFICE_PERSONAL.sub(_personal_blank, body)
        return _OFFICE_ABSPATH.sub(rb'\1""', body)
    return body


def _personal_blank(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    value = b"2000-01-01T00:00:00Z" if b"date" in name.lower() else b"-"
    return name + b'="' + value + b'"'


def _office_clean(data: bytes, max_pixels: int) -> bytes:
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as src,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            members = src.infolist()
            if len(members) > _ZIP_MAX_MEMBERS:
                raise FileRefused(Refused.TOO_BIG)
            unpacked = 0
            for member in members:
                unpacked += member.file_size
                if unpacked > _ZIP_MAX_UNPACKED:
                    raise FileRefused(Refused.TOO_BIG)
                body = _BLANK_PROPERTIES.get(member.filename) or _office_part_clean(
                    member.filename, _member_read(src, member, limit=_ZIP_MAX_MEMBER), max_pixels
                )
                info = zipfile.ZipInfo(member.filename, date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, body)
    except FileRefused:
        raise
    except _ZIP_ERRORS:
        raise FileRefused(Refused.DAMAGED) from None
    return out.getvalue()
