"""The restore drill (README "Backup and restore"): backup → drop → restore → verify, on
SQLite always and on PostgreSQL when the suite runs on it; and the attacks: a stolen backup
reveals nothing, a restore without the key file or the age identity refuses and changes
nothing."""

import base64
import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.backup.drill import PLAIN_IN_DB, SENTINEL, Site, site, site_copy


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def databases_made(tmp_path: Path) -> Iterator[tuple[str, str, callable]]:
    """A source URL, a target URL, and how to drop the source."""
    if connection.vendor != "postgresql":
        source = tmp_path / "source.sqlite3"
        yield _sqlite_url(source), _sqlite_url(tmp_path / "restored.sqlite3"), source.unlink
        return
    # Beside the configured database, under names of its own, dropped afterwards.
    s = connection.settings_dict
    base = str(s["NAME"]).removeprefix("test_")
    names = [f"{base}_drill_{secrets.token_hex(4)}" for _ in range(2)]
    admin = psycopg.connect(
        host=s["HOST"],
        port=s["PORT"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )

    def url(name: str) -> str:
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"

    def drop(name: str) -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url(names[0]), url(names[1]), lambda: drop(names[0])
    finally:
        for name in names:
            drop(name)
        admin.close()


def test_backup_drop_restore_verify(tmp_path, databases_made, populated):
    source, target, drop_source = databases_made
    if connection.vendor == "postgresql":
        operator = site(tmp_path)
        operator.populate(source)
    else:  # the source file is a copy of the populated site's
        operator = site_copy(populated, tmp_path)
    backup = tmp_path / "hotline.age"
    out = operator.ok(source, "backup", str(backup))
    assert "a restore needs the key file holding: mac-" in out

    drop_source()
    out = operator.ok(target, *operator.restore_args(backup))

    assert "FAIL" not in out
    for check in ("migrations", "row counts", "audit chain", "receipt lookups", "totp secrets"):
        assert f"OK   {check}" in out
    assert "checkpoint #" in out and "signature holds" in out
    assert "OK   recovery kit: 2 of 2 sampled cases decrypt" in out
    assert out.rstrip().endswith("restore verified")


def test_a_stolen_backup_reveals_no_plaintext(tmp_path, populated):
    operator = site_copy(populated, tmp_path)
    database = tmp_path / "source.sqlite3"
    backup = tmp_path / "hotline.age"
    operator.ok(_sqlite_url(database), "backup", str(backup))

    stolen = backup.read_bytes()
    assert stolen.startswith(b"age-encryption.org/v1\n")
    # What the database holds in plaintext is in the database file, and not in the backup.
    assert PLAIN_IN_DB.encode() in database.read_bytes()
    for sentinel in (PLAIN_IN_DB, SENTINEL, "SQLite format 3", "manifest.json", "audit"):
        assert sentinel.encode() not in stolen
    assert not list(tmp_path.glob("hotline.age.partial"))


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> Site:
    """One SQLite site made by migrate and seed_demo, copied by each test that needs one."""
    operator = site(tmp_path_factory.mktemp("template"))
    operator.populate(_sqlite_url(operator.root / "source.sqlite3"))
    return operator


def _backed_up(tmp_path: Path, template: Site) -> tuple[Site, Path]:
    operator = site_copy(template, tmp_path)
    backup = tmp_path / "hotline.age"
    operator.ok(_sqlite_url(tmp_path / "source.sqlite3"), "backup", str(backup))
    return operator, backup


def test_restore_without_the_key_file_refuses_and_changes_nothing(tmp_path, populated):
    operator, backup = _backed_up(tmp_path, populated)
    # A new host: the key file was not carried over (development makes a fresh one).
    shutil.move(operator.var / "keys.json", tmp_path / "keys.json.kept")
    target = tmp_path / "restored.sqlite3"

    result = operator.manage(_sqlite_url(target), *operator.restore_args(backup))

    assert result.returncode != 0
    assert "restore refused, nothing was changed" in result.stderr
    assert "the key file has no hmac key mac-" in result.stderr
    assert "Put the key file saved with the backup in place" in result.stderr
    assert operator.ok(_sqlite_url(target), "showmigrations", "--plan").count("[X]") == 0

    # With the key file back, the same backup restores.
    shutil.move(tmp_path / "keys.json.kept", operator.var / "keys.json")
    assert "restore verified" in operator.ok(_sqlite_url(target), *operator.restore_args(backup))


def test_restore_with_another_age_identity_refuses(tmp_path, populated):
    operator, backup = _backed_up(tmp_path, populated)
    (tmp_path / "stranger").mkdir()
    operator.identity = site(tmp_path / "stranger").identity

    result = operator.manage(
        _sqlite_url(tmp_path / "restored.sqlite3"), *operator.restore_args(backup)
    )

    assert result.returncode != 0
    assert "does not open with that identity" in result.stderr


def test_restore_into_a_database_in_use_refuses(tmp_path, populated):
    operator, backup = _backed_up(tmp_path, populated)
    result = operator.manage(
        _sqlite_url(tmp_path / "source.sqlite3"), *operator.restore_args(backup)
    )
    assert result.returncode != 0
    assert "the configured database is not empty" in result.stderr


def test_a_different_key_under_the_same_id_refuses(tmp_path, populated):
    operator, backup = _backed_up(tmp_path, populated)
    keys = json.loads((operator.var / "keys.json").read_text())
    keys["hmac"][0]["key"] = base64.b64encode(secrets.token_bytes(32)).decode()
    (operator.var / "keys.json").write_text(json.dumps(keys))

    result = operator.manage(
        _sqlite_url(tmp_path / "restored.sqlite3"), *operator.restore_args(backup)
    )

    assert result.returncode != 0
    assert "hmac key mac-" in result.stderr and "is not the one the data needs" in result.stderr


def test_attachment_files_on_disk_travel_with_the_backup(tmp_path, populated):
    operator = site_copy(populated, tmp_path)
    source = _sqlite_url(tmp_path / "source.sqlite3")
    stored = tmp_path / "media" / "attachments" / "0f0f"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"already-encrypted attachment bytes")
    backup = tmp_path / "hotline.age"
    assert "1 attachment files" in operator.ok(source, "backup", str(backup))
    assert b"already-encrypted attachment bytes" not in backup.read_bytes()
    shutil.rmtree(tmp_path / "media")

    operator.ok(_sqlite_url(tmp_path / "restored.sqlite3"), *operator.restore_args(backup))

    assert stored.read_bytes() == b"already-encrypted attachment bytes"
