"""An Office file that inflates far beyond its size is refused before it is inflated: one
allowed upload must not cost a web worker gigabytes (issue 16, item 1)."""

import io
import tracemalloc
import zipfile

import pytest

from cases.files import FileRefused, Refused, clean
from tests.hotline.intake import docx_with_properties

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Override PartName="/word/document.xml" ContentType="{MAIN}"/></Types>'
)
INFLATED = 300 * 1024 * 1024  # each bomb below is well under 1 MB on the wire


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _spaces(size: int) -> bytes:
    return b" " * size


def _refusal_and_peak(data: bytes) -> tuple[Refused, int]:
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as refused:
            clean(data, max_pixels=40_000_000)
        return refused.value.reason, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {
        "content types": _zip({"[Content_Types].xml": TYPES.encode() + _spaces(INFLATED)}),
        "document part": _zip(
            {"[Content_Types].xml": TYPES, "word/document.xml": _spaces(INFLATED)}
        ),
    }


@pytest.mark.parametrize("where", ["content types", "document part"])
def test_a_bomb_is_refused_without_inflating_it(bombs, where):
    data = bombs[where]
    assert len(data) < 1_000_000
    reason, peak = _refusal_and_peak(data)
    assert reason == Refused.TOO_BIG
    # Python's own allocations while looking at it: a few times the upload, not the bomb.
    assert peak < 16 * len(data) + 4 * 1024 * 1024, peak


def test_an_ordinary_document_still_passes():
    cleaned = clean(docx_with_properties(), max_pixels=40_000_000)
    with zipfile.ZipFile(io.BytesIO(cleaned.data)) as archive:
        assert "ข้อความในเอกสาร" in archive.read("word/document.xml").decode()
