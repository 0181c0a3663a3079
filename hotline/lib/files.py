"""What an uploaded file really is, judged by its content, and the same file without the
metadata that could identify the person who made it (DESIGN §3, "Anonymity").

Pure functions on bytes: the caller enforces size limits before and stores the result after.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    PdfObject,
    StreamObject,
)


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
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)  # zip timestamps would tell when it was edited
_TEXT_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A PDF's objects are each looked at once; one that unpacks into more dictionaries and arrays
# than this (object streams compress well) is refused rather than walked for minutes.
_PDF_MAX_NODES: Final = 500_000
# A JPEG in a PDF that carries metadata is decoded and encoded again (about 65 million pixels
# a second here). Each is held to the pixel limit of an uploaded photo and all of them
# together to this many times it, so a small file of highly compressed pictures cannot keep
# a worker busy for long.
_PDF_PIXELS_FACTOR: Final = 10
# APP segments that only tell a decoder how to turn the samples into colours (JFIF density,
# Adobe colour transform). Any other APP segment (EXIF, XMP, Photoshop IPTC, ICC, MPF, a JFXX
# thumbnail of the uncropped photo) or a COM comment makes the JPEG be encoded again.
_JPEG_HARMLESS: Final = (("APP0", b"JFIF\x00"), ("APP14", b"Adobe"))

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


class Refused(StrEnum):
    """Why a file cannot be accepted; the form turns each into a sentence."""

    TYPE = "type"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    MACROS = "macros"
    TOO_BIG = "too_large_to_process"
    EMPTY = "empty"


class FileRefused(Exception):
    def __init__(self, reason: Refused) -> None:
        super().__init__(reason.value)
        self.reason = reason


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
            content_types = archive.read("[Content_Types].xml")[:1_000_000]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(Refused.TYPE) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(Refused.MACROS)
    for kind, main in _OFFICE_MAIN.items():
        if main in content_types:
            return kind
    raise FileRefused(Refused.TYPE)


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
        return CleanFile(kind, _pdf_clean(data, max_pixels))
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


def _pdf_clean(data: bytes, max_pixels: int) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRefused(Refused.ENCRYPTED)
        # Cleaned as read, before the writer copies the pages: what is cut off here is then
        # never copied, where the writer would keep (and write) every object it once copied.
        _pdf_objects_clean(reader.pages, _PixelBudget(max_pixels))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None
        writer.xmp_metadata = None
        for page in writer.pages:
            # Annotations carry their author (/T) and their times.
            for annotation in page.get("/Annots") or []:
                fields = annotation.get_object()
                for name in ("/T", "/M", "/CreationDate"):
                    if name in fields:
                        del fields[NameObject(name)]
        out = io.BytesIO()
        writer.write(out)
    except FileRefused:
        raise
    except (
        PyPdfError,
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        OSError,  # also Pillow's UnidentifiedImageError and truncated JPEGs
        SyntaxError,  # Pillow's word for a JPEG header it cannot parse
        EOFError,
        NotImplementedError,  # pypdf, for a filter it does not know in front of DCTDecode
        RecursionError,
        Image.DecompressionBombError,
    ):
        raise FileRefused(Refused.DAMAGED) from None
    return out.getvalue()


class _PixelBudget:
    """How many more pixels this PDF's JPEGs may make the server decode."""

    def __init__(self, max_pixels: int) -> None:
        self.per_image = max_pixels
        self.left = max_pixels * _PDF_PIXELS_FACTOR

    def spend(self, pixels: int) -> None:
        if pixels > self.per_image or pixels > self.left:
            raise FileRefused(Refused.TOO_BIG)
        self.left -= pixels


def _pdf_objects_clean(pages: Iterable[PageObject], budget: _PixelBudget) -> None:
    """Every object the pages reach, once: XMP and private application data go from each,
    EXIF and the like from each JPEG.

    The walk covers what reading the pages' /Resources alone would miss: images in Form
    XObjects at any depth, in annotation appearances, patterns, soft masks, Type 3 fonts
    and page thumbnails. It keeps a list rather than recursing (forms may nest deeply or
    draw themselves) and a set of what it has seen (references may loop).
    """
    seen: set[int] = set()
    todo: list[PdfObject] = list(pages)
    while todo:
        node = todo.pop().get_object()
        if not isinstance(node, DictionaryObject | ArrayObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if len(seen) > _PDF_MAX_NODES:
            raise FileRefused(Refused.TOO_BIG)
        if isinstance(node, ArrayObject):
            todo.extend(node)
            continue
        # /Metadata is the XMP of whatever holds it (a page, an image, a form, a font);
        # /PieceInfo is an editing program's private data about it.
        for name in ("/Metadata", "/PieceInfo"):
            if name in node:
                del node[NameObject(name)]
        if isinstance(node, StreamObject) and _is_jpeg(node):
            _pdf_jpeg_clean(node, budget)
        todo.extend(node.values())


def _is_jpeg(stream: StreamObject) -> bool:
    """DCTDecode, alone or last in a chain of filters: the decoded bytes are a JPEG file."""
    filters = stream.get("/Filter")
    if isinstance(filters, ArrayObject):
        filters = filters[-1] if filters else None
    return filters == "/DCTDecode"


def _pdf_jpeg_clean(stream: StreamObject, budget: _PixelBudget) -> None:
    cleaned = _jpeg_without_metadata(stream.get_data(), budget)
    if cleaned is None:
        return
    # The new bytes are the JPEG itself: an outer filter (Flate, ASCII85) goes with its
    # parameters, and /ColorTransform falls back to what the new JFIF or Adobe header says.
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    if "/DecodeParms" in stream:
        del stream[NameObject("/DecodeParms")]
    # EncodedStreamObject.set_data would only accept Flate data to compress; these bytes are
    # final, so the plain stream's setter stores them as they are.
    StreamObject.set_data(stream, cleaned)
    if isinstance(stream, EncodedStreamObject):
        stream.decoded_self = None  # pypdf's cache of the old decoded bytes


def _jpeg_without_metadata(jpeg: bytes, budget: _PixelBudget) -> bytes | None:
    """The JPEG made again from its pixels alone, or None if it carries nothing to remove."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        assert isinstance(image, JpegImageFile)  # formats= allows nothing else
        if _jpeg_is_bare(image, jpeg):
            return None  # kept byte for byte: no second lossy encoding
        budget.spend(image.width * image.height)
        image.load()
        # Pillow copies the COM comment back from `info`; nothing else comes from there.
        image.info.clear()
        out = io.BytesIO()
        # "keep" reuses the original's quantisation tables and chroma subsampling, so the
        # picture keeps its quality. No exif_transpose, unlike an uploaded photo: a PDF
        # reader ignores the EXIF orientation and draws the samples as the page says.
        image.save(out, "JPEG", quality="keep")
    return out.getvalue()


def _jpeg_is_bare(image: JpegImageFile, jpeg: bytes) -> bool:
    """Only decoding headers, and nothing after the end-of-image marker (where some phones
    append their own records, or a second picture)."""
    headers_only = all(
        any(segment == name and body.startswith(prefix) for name, prefix in _JPEG_HARMLESS)
        for segment, body in image.applist
    )
    return headers_only and jpeg.rstrip(b"\r\n\t \x00").endswith(b"\xff\xd9")


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
                    member.filename, src.read(member), max_pixels
                )
                info = zipfile.ZipInfo(member.filename, date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, body)
    except FileRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        OSError,
        ValueError,
        EOFError,
    ):
        raise FileRefused(Refused.DAMAGED) from None
    return out.getvalue()
