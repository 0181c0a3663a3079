"""Receiving attachments: held in memory only (never in a plaintext temporary file on disk),
and refused, file by file, past the count and size limits the form states."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MAX_COUNT_DEFAULT = 5
MAX_BYTES_DEFAULT = 10 * 1024 * 1024
MAX_PIXELS_DEFAULT = 40_000_000
# Room for the text fields beside the files in one request.
FIELDS_ALLOWANCE = 2 * 1024 * 1024


def max_count() -> int:
    return int(getattr(settings, "HOTLINE_ATTACHMENT_MAX_COUNT", MAX_COUNT_DEFAULT))


def max_bytes() -> int:
    return int(getattr(settings, "HOTLINE_ATTACHMENT_MAX_BYTES", MAX_BYTES_DEFAULT))


def max_pixels() -> int:
    return int(getattr(settings, "HOTLINE_ATTACHMENT_MAX_PIXELS", MAX_PIXELS_DEFAULT))


@dataclass(frozen=True)
class UploadRefusal:
    reason: str  # "too_many", "too_big" or "request_too_big"
    name: str


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps each file in memory up to the size limit; skips (and notes on the request) a
    file over it, and every file past the count limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refusals: list[UploadRefusal] = []
        self.count = 0
        self.whole_request_too_big = False
        self.buffer: io.BytesIO | None = None
        if request is not None:
            request.upload_refusals = self.refusals  # type: ignore[attr-defined]

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any) -> None:
        budget = max_count() * max_bytes() + FIELDS_ALLOWANCE
        self.whole_request_too_big = content_length > budget

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.count += 1
        self.buffer = None
        if self.whole_request_too_big:
            self.refusals.append(UploadRefusal("request_too_big", file_name))
            raise SkipFile
        if self.count > max_count():
            self.refusals.append(UploadRefusal("too_many", file_name))
            raise SkipFile
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.buffer is not None
        if start + len(raw_data) > max_bytes():
            self.refusals.append(UploadRefusal("too_big", self.file_name or ""))
            self.buffer = None
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


View = Callable[..., HttpResponse]


def bounded_uploads(view: View) -> View:
    """Puts BoundedMemoryUploadHandler in place before anything reads the request body.

    The CSRF check reads the body, so it moves inside, after the handler is set (the
    pattern Django's documentation gives for per-view upload handlers).
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [BoundedMemoryUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def upload_refusals(request: HttpRequest) -> list[UploadRefusal]:
    return list(getattr(request, "upload_refusals", []))
