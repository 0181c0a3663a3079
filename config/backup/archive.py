"""The backup file: a tar, built and read in memory, encrypted to age recipients with pyrage.

The file is the standard age format, so `age --decrypt -i KEY FILE | tar -t` (Debian's
`age` package) reads it by hand. Nothing plaintext is written to disk: the tar is built in
memory and only ciphertext reaches the output path.
"""

import io
import json
import os
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage

MANIFEST = "manifest.json"


class ArchiveError(Exception):
    """The file cannot be opened or read as a backup; the message says why, for operators."""


@dataclass
class Contents:
    manifest: dict[str, Any]
    database: bytes
    media: dict[str, bytes] = field(default_factory=dict)


def recipients_parse(texts: Iterable[str]) -> list[Any]:
    """age recipients (age1…) or SSH public keys (ssh-ed25519 …, ssh-rsa …)."""
    parsed: list[Any] = []
    for text in texts:
        text = text.strip()
        try:
            if text.startswith("ssh-"):
                parsed.append(pyrage.ssh.Recipient.from_str(text))
            else:
                parsed.append(pyrage.x25519.Recipient.from_str(text))
        except pyrage.RecipientError as exc:
            raise ArchiveError(f"not an age recipient: {text!r}") from exc
    if not parsed:
        raise ArchiveError("no backup recipient: set HOTLINE_BACKUP_RECIPIENTS (age1… keys)")
    return parsed


def identities_read(path: Path) -> list[Any]:
    """The AGE-SECRET-KEY-1… lines of an identity file (as written by age-keygen)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ArchiveError(f"cannot read the identity file {path}: {exc.strerror}") from exc
    identities = []
    for line in lines:
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line))
            except pyrage.IdentityError as exc:
                raise ArchiveError(f"{path} holds a malformed age identity") from exc
    if not identities:
        raise ArchiveError(f"{path} holds no age identity (AGE-SECRET-KEY-1…)")
    return identities


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def pack(contents: Contents, *, database_name: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, MANIFEST, json.dumps(contents.manifest, indent=2, sort_keys=True).encode())
        _add(tar, database_name, contents.database)
        for name, data in sorted(contents.media.items()):
            _add(tar, f"media/{name}", data)
    return buffer.getvalue()


def unpack(data: bytes) -> Contents:
    manifest: dict[str, Any] | None = None
    database: bytes | None = None
    media: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for member in tar:
                extracted = tar.extractfile(member)
                if extracted is None:
                    continue
                body = extracted.read()
                if member.name == MANIFEST:
                    manifest = json.loads(body)
                elif member.name.startswith("media/"):
                    media[member.name.removeprefix("media/")] = body
                elif member.name.startswith("database."):
                    database = body
    except (tarfile.TarError, ValueError) as exc:
        raise ArchiveError("the decrypted backup is not a backup archive") from exc
    if manifest is None or database is None:
        raise ArchiveError("the backup lacks its manifest or its database")
    return Contents(manifest=manifest, database=database, media=media)


def encrypt_to(path: Path, plaintext: bytes, recipients: list[Any]) -> None:
    """Write the ciphertext beside `path`, then move it in place: no half-written backup."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        pyrage.encrypt_io(io.BytesIO(plaintext), out, recipients)
    partial.replace(path)


def decrypt_from(path: Path, identities: list[Any]) -> bytes:
    try:
        with path.open("rb") as src:
            out = io.BytesIO()
            pyrage.decrypt_io(src, out, identities)
    except OSError as exc:
        raise ArchiveError(f"cannot read the backup {path}: {exc.strerror}") from exc
    except pyrage.DecryptError as exc:
        raise ArchiveError(
            f"{path} does not open with that identity: it is not an age file, or it was "
            "encrypted to another recipient"
        ) from exc
    return out.getvalue()
