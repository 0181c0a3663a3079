"""The database's consistent copy, and loading it into an empty database.

Each copy is taken together with the manifest from one view of the data, so the manifest
describes exactly the snapshot:
- SQLite: inside one read transaction (a snapshot under WAL) the manifest is read and the
  online backup API copies the pages into an in-memory database, serialized to bytes, never
  to a file.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the manifest is read in it
  and `pg_dump --format=custom --snapshot=…` dumps that very snapshot to a pipe.
"""

import os
import sqlite3
import subprocess
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


class SnapshotError(Exception):
    pass


def database_filename() -> str:
    return "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", str(s["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(command: list[str], *, stdin: bytes | None = None) -> bytes:
    args, env = _pg_args_env()
    result = subprocess.run(  # noqa: S603 -- fixed programs, arguments from settings
        [*command, *args], input=stdin, capture_output=True, env=env, check=False
    )
    if result.returncode != 0:
        raise SnapshotError(f"{command[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def _sqlite_take(describe: Callable[[], T]) -> tuple[bytes, T]:
    """A deferred (read) transaction, not Django's IMMEDIATE one: under WAL it is a snapshot
    that writers do not wait for, and SQLite refuses a backup from a connection that holds
    the write lock."""
    connection.ensure_connection()
    source: Any = connection.connection
    memory = sqlite3.connect(":memory:")
    try:
        source.execute("BEGIN DEFERRED")
        try:
            described = describe()
            source.backup(memory)
        finally:
            source.execute("COMMIT")
        return _rollback_journal(memory.serialize()), described
    finally:
        memory.close()


def _rollback_journal(image: bytes) -> bytes:
    """The image marked as a rollback-journal database (header bytes 18 and 19, the read and
    write format versions: 2 means WAL): an in-memory database that believes it is in WAL
    mode cannot be read back, and the file stands alone for `sqlite3` by hand."""
    return image[:18] + b"\x01\x01" + image[20:] if len(image) >= 100 else image


def snapshot_take(describe: Callable[[], T]) -> tuple[bytes, T]:
    """The database's bytes and describe()'s result, both from one consistent view."""
    if connection.vendor == "sqlite":
        return _sqlite_take(describe)
    if connection.vendor != "postgresql":
        raise SnapshotError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        described = describe()
        dump = _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}"])
    return dump, described


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def snapshot_load(*, vendor: str, data: bytes) -> None:
    """Load a snapshot into the configured database, which the caller found empty."""
    if vendor != connection.vendor:
        raise SnapshotError(
            f"the backup is of a {vendor} database; the configured one is {connection.vendor}"
        )
    if vendor == "postgresql":
        # One transaction: a failed restore leaves the database as empty as it was.
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
            ],
            stdin=data,
        )
        return
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(_rollback_journal(data))
        connection.ensure_connection()
        target: Any = connection.connection
        memory.backup(target)
    finally:
        memory.close()
