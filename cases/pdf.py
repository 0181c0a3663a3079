"""A PDF without what could identify its maker: the document's info and XMP, every object's
XMP and private application data, annotation authors and times, files embedded in
annotations, and the EXIF, XMP and comments of the photos inside (docs/architecture.md §3,
"Anonymity")."""

import io
import re
from collections.abc import Iterable
from typing import Final

from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import DeprecationError, PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from cases.refusals import FileRefused, Refused

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
# An inline image's dictionary, between the BI and ID operators, and a JPEG or JPEG 2000
# filter named in it (inline images use short names: /F for /Filter, /DCT for /DCTDecode).
# The dictionary is short; bounding it keeps a stream of many "BI" and no "ID" linear.
_INLINE_IMAGE: Final = re.compile(rb"(?:^|\s)BI\s(.{0,4096}?)\sID\s", re.DOTALL)
_PHOTO_FILTER: Final = re.compile(rb"/(?:DCT|DCTDecode|JPX|JPXDecode)\b")
_NOT_CONTENT: Final = frozenset({"/Metadata", "/EmbeddedFile", "/XRef", "/ObjStm"})
# Annotations that carry whole files or media (a .docx with its author, a recording): what
# they hold cannot be cleaned here, so they are dropped, as document-level attachments are.
_EMBEDDING_ANNOTATIONS: Final = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)


def pdf_clean(data: bytes, max_pixels: int) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRefused(Refused.ENCRYPTED)
        # Cleaned as read, before the writer copies the pages: what is cut off here is then
        # never copied, where the writer would keep (and write) every object it once copied.
        _embedded_files_drop(reader.pages)
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
        DeprecationError,  # pypdf, for filter names it no longer decodes (/DCT)
        RecursionError,
        Image.DecompressionBombError,
    ):
        raise FileRefused(Refused.DAMAGED) from None
    return out.getvalue()


def _embedded_files_drop(pages: Iterable[PageObject]) -> None:
    for page in pages:
        if "/Annots" not in page:
            continue
        annotations = page["/Annots"].get_object()
        if not isinstance(annotations, ArrayObject):
            del page[NameObject("/Annots")]
            continue
        kept = [a for a in annotations if _subtype(a) not in _EMBEDDING_ANNOTATIONS]
        page[NameObject("/Annots")] = ArrayObject(kept)


def _subtype(annotation: PdfObject) -> object:
    fields = annotation.get_object()
    return fields.get("/Subtype") if isinstance(fields, DictionaryObject) else None


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
        if isinstance(node, StreamObject):
            _stream_clean(node, budget)
        todo.extend(node.values())


def _stream_clean(stream: StreamObject, budget: _PixelBudget) -> None:
    if _is_jpeg(stream):
        _pdf_jpeg_clean(stream, budget)
    elif _last_filter(stream) == "/JPXDecode" or _draws_inline_photo(stream):
        # JPEG 2000 carries XMP and EXIF in boxes of its own, and a photo drawn inline sits
        # inside a content stream: neither can be cleaned here, so the file is refused.
        raise FileRefused(Refused.UNCLEANABLE)


def _last_filter(stream: StreamObject) -> object:
    """The filter applied last when the stream was written (the first to decode is last)."""
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None  # may be a reference
    if isinstance(filters, ArrayObject):
        filters = filters[-1].get_object() if filters else None
    return filters


def _draws_inline_photo(stream: StreamObject) -> bool:
    """A content stream (a page's, a form's, a pattern's) with an inline image (BI … ID)
    whose dictionary names a JPEG or JPEG 2000 filter."""
    if stream.get("/Subtype") not in (None, "/Form") or stream.get("/Type") in _NOT_CONTENT:
        return False
    data = stream.get_data()
    if b"ID" not in data:
        return False
    return any(_PHOTO_FILTER.search(header) for header in _INLINE_IMAGE.findall(data))


def _is_jpeg(stream: StreamObject) -> bool:
    """DCTDecode, alone or last in a chain of filters: the decoded bytes are a JPEG file."""
    return _last_filter(stream) in ("/DCTDecode", "/DCT")  # /DCT: an accepted abbreviation


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
