"""Where an attachment's encrypted file is kept: today the database (AttachmentChunk rows), so
one database snapshot and the key file are the whole backup, every app server serves every
file, and a rollback or a purge takes the content with it (docs/architecture.md §6).

The bytes stored are core.crypto's file format, already encrypted; this module never sees
plaintext or keys. Its four functions are the whole interface, so that an object-storage
backend could take their place for very large deployments. Nothing here holds a whole file in
memory: writes go out in batches of rows, reads come back a few rows per query.
"""

from collections.abc import Iterable, Iterator

from cases.models import Attachment, AttachmentChunk

# Bytes per row. Large enough that a 10 MiB file is 40 rows, small enough that a row is
# cheap to hold and to send (bench/attachments.py measured the choice).
PIECE_SIZE = 256 * 1024
# Rows per INSERT and per SELECT: at most this many pieces are in memory at once.
BATCH = 4


class ChunkWriter:
    """A file-like sink for core.crypto.stream_encrypt: cuts what it is given into rows and
    inserts them in the caller's transaction. close() writes the rest."""

    def __init__(self, attachment: Attachment) -> None:
        self._attachment = attachment
        self._buffer = bytearray()
        self._pending: list[AttachmentChunk] = []
        self._index = 0
        self.size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.size += len(data)
        while len(self._buffer) >= PIECE_SIZE:
            self._piece(bytes(self._buffer[:PIECE_SIZE]))
            del self._buffer[:PIECE_SIZE]
        return len(data)

    def close(self) -> None:
        if self._buffer or self._index == 0:
            self._piece(bytes(self._buffer))
            self._buffer.clear()
        self._flush()

    def _piece(self, data: bytes) -> None:
        self._pending.append(
            AttachmentChunk(attachment=self._attachment, index=self._index, data=data)
        )
        self._index += 1
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            AttachmentChunk.objects.bulk_create(self._pending)
            self._pending = []


class ChunkReader:
    """A file-like source for core.crypto.stream_decrypt_chunks over stored pieces."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def chunks_write(*, attachment: Attachment, pieces: Iterable[bytes]) -> int:
    """Store an encrypted file given as pieces of any size; returns the bytes stored. The
    caller's transaction holds the rows: call it inside the one that writes the attachment."""
    writer = ChunkWriter(attachment)
    for piece in pieces:
        writer.write(piece)
    writer.close()
    return writer.size


def chunks_read(*, attachment: Attachment) -> Iterator[bytes]:
    """The stored encrypted file, piece by piece. Each query fetches a few rows by index, so
    a download needs neither a server-side cursor nor an open transaction; a file purged
    while it streams ends early, which the reader's final-chunk check then refuses."""
    index = 0
    while True:
        rows = list(
            AttachmentChunk.objects.filter(
                attachment=attachment, index__gte=index, index__lt=index + BATCH
            )
            .order_by("index")
            .values_list("data", flat=True)
        )
        for data in rows:
            yield bytes(data)
        if len(rows) < BATCH:
            return
        index += BATCH


def chunks_open(*, attachment: Attachment) -> ChunkReader:
    return ChunkReader(chunks_read(attachment=attachment))


def chunks_delete(*, attachments: Iterable[Attachment]) -> int:
    """Delete the stored files of these attachments in the caller's transaction (one
    statement; no row is loaded). Deleting an attachment row cascades here too."""
    deleted, _ = AttachmentChunk.objects.filter(attachment__in=attachments).delete()
    return deleted
