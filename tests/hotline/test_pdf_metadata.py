"""Photos inside a PDF lose their EXIF, XMP and comments too (docs/architecture.md §3, "Anonymity").

A scanner app or "print to PDF" puts the phone's JPEG into the PDF byte for byte, with the
camera's serial number and the GPS position of the place the photo was taken.
"""

import io
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from cases import files, pdf

ARTIST = "SENTINEL-ARTIST"
SERIAL = "SENTINEL-BODY-SERIAL"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SENTINEL-IMAGE-XMP</x:xmpmeta>'
MANY_PIXELS = 10_000_000
RED = (200, 30, 30)


def exif_jpeg(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = RED) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = ARTIST  # Artist
    exif[0x8769] = {0xA431: SERIAL}  # Exif IFD: BodySerialNumber
    exif[0x8825] = {1: "N", 2: (13.0, 45.0, 1.5), 3: "E", 4: (100.0, 30.0, 2.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", size, color).save(
        out, "JPEG", quality=95, exif=exif.tobytes(), xmp=XMP, comment=b"SENTINEL-COMMENT"
    )
    return out.getvalue()


def bare_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, RED).save(out, "JPEG", quality=95)
    return out.getvalue()


def pillow_pdf() -> bytes:
    """What Pillow's own "save as PDF" makes of a photo: its JPEG with all its metadata."""
    with Image.open(io.BytesIO(exif_jpeg())) as photo:
        out = io.BytesIO()
        photo.save(out, "PDF", exif=photo.info["exif"], xmp=XMP, comment=b"SENTINEL-COMMENT")
    return out.getvalue()


def image_stream(jpeg: bytes, *, flate: bool = False) -> DecodedStreamObject:
    """An image XObject whose bytes are a JPEG file (optionally zlib-wrapped, as some tools do)."""
    stream = DecodedStreamObject()
    size = Image.open(io.BytesIO(jpeg)).size
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(size[0]),
            NameObject("/Height"): NumberObject(size[1]),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): (
                ArrayObject([NameObject("/FlateDecode"), NameObject("/DCTDecode")])
                if flate
                else NameObject("/DCTDecode")
            ),
        }
    )
    # Set as written: the stream object is not asked to encode anything.
    stream.set_data(zlib.compress(jpeg) if flate else jpeg)
    return stream


def xmp_stream(writer: PdfWriter) -> object:
    stream = DecodedStreamObject()
    stream.set_data(XMP)
    stream.update({NameObject("/Type"): NameObject("/Metadata")})
    return writer._add_object(stream)


def form(writer: PdfWriter, xobjects: dict[str, object], content: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0)] * 2),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/XObject"): DictionaryObject(
                        {NameObject(k): v for k, v in xobjects.items()}
                    )
                }
            ),
            NameObject("/Metadata"): xmp_stream(writer),
        }
    )
    return stream


def pdf_with_images(*jpegs: bytes, flate: bool = False, nested: bool = False) -> bytes:
    """A page that shows each JPEG, directly or from inside a Form XObject (a stamp, a logo)."""
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    images = {}
    for n, jpeg in enumerate(jpegs):
        image = image_stream(jpeg, flate=flate)
        image[NameObject("/Metadata")] = xmp_stream(writer)
        images[f"/Im{n}"] = writer._add_object(image)
    draw = b"".join(b"q 50 0 0 50 0 0 cm %s Do Q\n" % n.encode() for n in images)
    if nested:
        inner = writer._add_object(form(writer, images, draw))
        outer = form(writer, {"/Fm1": inner}, b"/Fm1 Do\n")
        images = {"/Fm0": writer._add_object(outer)}
        draw = b"/Fm0 Do\n"
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject(k): v for k, v in images.items()})}
    )
    # The page's own XMP, and an editor's private data that holds more of it.
    page[NameObject("/Metadata")] = xmp_stream(writer)
    private = DictionaryObject({NameObject("/Private"): xmp_stream(writer)})
    page[NameObject("/PieceInfo")] = DictionaryObject({NameObject("/Editor"): private})
    page.replace_contents(DecodedStreamObject())
    page.get_contents().set_data(draw)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_streams(pdf: bytes) -> list[StreamObject]:
    """Every image XObject in the file, however deep in Form XObjects it sits."""
    found, todo, seen = [], [PdfReader(io.BytesIO(pdf)).pages[0]], set()
    while todo:
        node = todo.pop()
        xobjects = node.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            stream = ref.get_object()
            if id(stream) in seen:
                continue
            seen.add(id(stream))
            if stream["/Subtype"] == "/Image":
                found.append(stream)
            else:
                todo.append(stream)
    return found


def assert_photo_is_clean(stream: StreamObject, size: tuple[int, int]) -> None:
    assert "/Metadata" not in stream
    jpeg = stream.get_data()
    assert b"SENTINEL" not in jpeg and b"Exif" not in jpeg
    photo = Image.open(io.BytesIO(jpeg))
    assert photo.format == "JPEG"
    assert dict(photo.getexif()) == {}
    assert not photo.getexif().get_ifd(0x8825) and not photo.getexif().get_ifd(0x8769)
    assert not {"exif", "xmp", "comment"} & set(photo.info)
    assert photo.size == size == (stream["/Width"], stream["/Height"])
    # The picture itself is what the reporter meant to send.
    red, green, blue = photo.convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert abs(red - RED[0]) <= 3 and abs(green - RED[1]) <= 3 and abs(blue - RED[2]) <= 3


def test_a_photo_that_pillow_saved_as_pdf_loses_its_exif_and_gps():
    original = pillow_pdf()
    assert ARTIST.encode() in original and SERIAL.encode() in original
    assert b"SENTINEL-IMAGE-XMP" in original and b"Exif" in original

    cleaned = files.clean(original, max_pixels=MANY_PIXELS).data

    assert b"SENTINEL" not in cleaned and b"Exif" not in cleaned
    [stream] = image_streams(cleaned)
    assert stream["/Filter"] == "/DCTDecode"
    assert_photo_is_clean(stream, (64, 48))
    assert PdfReader(io.BytesIO(cleaned)).pages[0].images[0].image.size == (64, 48)


def test_images_inside_form_xobjects_and_their_metadata_streams_are_cleaned():
    original = pdf_with_images(exif_jpeg(), exif_jpeg((30, 20)), nested=True)
    # In the JPEGs, the images, the forms, the page and the page's /PieceInfo.
    assert original.count(b"SENTINEL-IMAGE-XMP") == 8

    cleaned = files.clean(original, max_pixels=MANY_PIXELS).data

    assert b"SENTINEL" not in cleaned
    sizes = {(s["/Width"], s["/Height"]): s for s in image_streams(cleaned)}
    assert set(sizes) == {(64, 48), (30, 20)}
    for size, stream in sizes.items():
        assert_photo_is_clean(stream, size)
    page = PdfReader(io.BytesIO(cleaned)).pages[0]
    assert "/Metadata" not in page and "/PieceInfo" not in page
    outer = page["/Resources"]["/XObject"]["/Fm0"]
    assert "/Metadata" not in outer
    assert "/Metadata" not in outer["/Resources"]["/XObject"]["/Fm1"]


def test_a_jpeg_wrapped_in_another_filter_is_cleaned_and_stored_as_plain_jpeg():
    original = pdf_with_images(exif_jpeg(), flate=True)
    cleaned = files.clean(original, max_pixels=MANY_PIXELS).data
    [stream] = image_streams(cleaned)
    assert stream["/Filter"] == "/DCTDecode"
    assert_photo_is_clean(stream, (64, 48))


def test_a_jpeg_without_metadata_is_kept_byte_for_byte():
    jpeg = bare_jpeg()
    cleaned = files.clean(pdf_with_images(jpeg), max_pixels=MANY_PIXELS).data
    [stream] = image_streams(cleaned)
    assert stream.get_data() == jpeg  # no second lossy encoding when there is nothing to remove
    assert "/Metadata" not in stream


def test_an_image_form_that_draws_itself_does_not_hang_the_cleaning():
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    loop = writer._add_object(form(writer, {}, b"/Fm0 Do\n"))
    loop.get_object()["/Resources"]["/XObject"][NameObject("/Fm0")] = loop
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): loop})}
    )
    out = io.BytesIO()
    writer.write(out)
    cleaned = files.clean(out.getvalue(), max_pixels=MANY_PIXELS).data
    assert b"SENTINEL" not in cleaned


def test_a_damaged_photo_inside_a_pdf_is_refused_not_a_server_error():
    broken = exif_jpeg()[:-30]  # the headers and EXIF survive, the picture does not
    with pytest.raises(files.FileRefused) as refused:
        files.clean(pdf_with_images(broken), max_pixels=MANY_PIXELS)
    assert refused.value.reason == files.Refused.DAMAGED


def test_a_photo_inside_a_pdf_is_held_to_the_pixel_limit():
    with pytest.raises(files.FileRefused) as refused:
        files.clean(pdf_with_images(exif_jpeg((400, 300))), max_pixels=1000)
    assert refused.value.reason == files.Refused.TOO_BIG


def test_many_photos_together_are_held_to_a_pixel_budget():
    budget = pdf._PDF_PIXELS_FACTOR  # photos of the full limit, 1,000 pixels each
    photo = exif_jpeg((40, 25))
    files.clean(pdf_with_images(*[photo] * budget), max_pixels=1000)
    with pytest.raises(files.FileRefused) as refused:
        files.clean(pdf_with_images(*[photo] * (budget + 1)), max_pixels=1000)
    assert refused.value.reason == files.Refused.TOO_BIG


def test_a_pdf_with_too_many_objects_is_refused_rather_than_walked_for_long(monkeypatch):
    monkeypatch.setattr(pdf, "_PDF_MAX_NODES", 5)
    with pytest.raises(files.FileRefused) as refused:
        files.clean(pdf_with_images(bare_jpeg(), bare_jpeg()), max_pixels=MANY_PIXELS)
    assert refused.value.reason == files.Refused.TOO_BIG


def test_files_embedded_in_annotations_are_dropped_and_links_kept():
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    embedded = DecodedStreamObject()
    embedded.set_data(b"a .docx whose core.xml names SENTINEL-EMBEDDED-AUTHOR")
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("notes.docx"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )

    def annotation(subtype: str, **extra) -> DictionaryObject:
        fields = {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 40, 40)]),
        }
        return DictionaryObject(fields | {NameObject(k): v for k, v in extra.items()})

    attached = annotation("/FileAttachment", **{"/FS": writer._add_object(spec)})
    link = annotation("/Link")
    page[NameObject("/Annots")] = ArrayObject(
        [writer._add_object(attached), writer._add_object(link)]
    )
    out = io.BytesIO()
    writer.write(out)
    assert b"SENTINEL-EMBEDDED-AUTHOR" in out.getvalue()

    cleaned = files.clean(out.getvalue(), max_pixels=MANY_PIXELS).data

    assert b"SENTINEL-EMBEDDED-AUTHOR" not in cleaned and b"notes.docx" not in cleaned
    annotations = PdfReader(io.BytesIO(cleaned)).pages[0]["/Annots"]
    assert [a.get_object()["/Subtype"] for a in annotations] == ["/Link"]


@pytest.mark.parametrize("how", ["indirect", "indirect in an array", "abbreviated"])
def test_a_jpeg_is_cleaned_however_its_filter_is_written(how):
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    image = image_stream(exif_jpeg())
    dct = NameObject("/DCT" if how == "abbreviated" else "/DCTDecode")
    if how == "indirect":
        image[NameObject("/Filter")] = writer._add_object(dct)
    elif how == "indirect in an array":
        image[NameObject("/Filter")] = ArrayObject([writer._add_object(dct)])
    else:
        image[NameObject("/Filter")] = dct
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    out = io.BytesIO()
    writer.write(out)
    assert ARTIST.encode() in out.getvalue()
    # pypdf decodes some spellings and not others: the file is then refused as damaged,
    # never passed on with the photo's metadata.
    try:
        cleaned = files.clean(out.getvalue(), max_pixels=MANY_PIXELS).data
    except files.FileRefused as refused:
        assert how != "indirect" and refused.reason == files.Refused.DAMAGED
    else:
        assert ARTIST.encode() not in cleaned and SERIAL.encode() not in cleaned


def _page_pdf(content: bytes, xobjects: dict | None = None) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    if xobjects:
        page[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/XObject"): DictionaryObject(
                    {NameObject(k): writer._add_object(v) for k, v in xobjects.items()}
                )
            }
        )
    contents = DecodedStreamObject()
    contents.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_photo_drawn_inline_is_refused_as_uncleanable():
    inline = b"q 50 0 0 50 0 0 cm BI /W 64 /H 48 /CS /RGB /BPC 8 /F /DCT ID " + exif_jpeg()
    with pytest.raises(files.FileRefused) as refused:
        files.clean(_page_pdf(inline + b" EI Q\n"), max_pixels=MANY_PIXELS)
    assert refused.value.reason == files.Refused.UNCLEANABLE


def test_a_jpeg_2000_picture_is_refused_as_uncleanable():
    picture = image_stream(bare_jpeg())
    picture[NameObject("/Filter")] = NameObject("/JPXDecode")
    with pytest.raises(files.FileRefused) as refused:
        files.clean(_page_pdf(b"q /Im0 Do Q\n", {"/Im0": picture}), max_pixels=MANY_PIXELS)
    assert refused.value.reason == files.Refused.UNCLEANABLE


def test_text_and_uncompressed_inline_images_pass():
    text = b"BT /F1 12 Tf 10 10 Td (A BIG ID card) Tj ET\n"
    grey = b"BI /W 2 /H 1 /CS /G /BPC 8 ID \x00\xff EI\n"
    cleaned = files.clean(_page_pdf(text + grey), max_pixels=MANY_PIXELS)
    assert (
        b"A BIG ID card" in PdfReader(io.BytesIO(cleaned.data)).pages[0].get_contents().get_data()
    )
