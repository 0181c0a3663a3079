"""`manage.py migrate` checks the preconditions of a safe upgrade before it changes anything
(README, "Upgrading"): on the released 0.2.0 database, a key file without its TOTP key, or
code older than the database's release, stops it with the schema exactly as it was. Run as
an operator runs it: production settings, another process, its own SQLite file."""

import sqlite3
from pathlib import Path

import pytest

from core.keyring import new_keyfile, write_keyfile
from core.schema import code_version
from tests.upgrade.test_upgrade import HERE, Upgraded

RELEASE = HERE / "release-0.2.0"


def schema(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The tables' definitions and the migrations recorded as applied."""
    database = sqlite3.connect(path)
    try:
        tables = database.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
        applied = database.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    finally:
        database.close()
    return tables, applied


@pytest.fixture
def released(tmp_path) -> Upgraded:
    copy = Upgraded(RELEASE, tmp_path)
    # Production settings: no key file is generated or completed behind the operator's back.
    copy.env |= {"HOTLINE_ENV": "production", "HOTLINE_SECRET_KEY": "s" * 64}
    return copy


def test_a_key_file_without_its_totp_key_stops_migrate_before_any_change(released):
    keys = new_keyfile()
    del keys["totp"]
    write_keyfile(released.tmp / "keys.json", keys)
    before = schema(released.tmp / "db.sqlite3")

    migrated = released.run("manage.py", "migrate", "--noinput")

    assert migrated.returncode != 0
    assert "migrate refused, nothing was changed" in migrated.stderr
    assert "no totp key" in migrated.stderr
    assert "keys_rotate totp" in migrated.stderr
    assert schema(released.tmp / "db.sqlite3") == before


def test_a_key_file_without_the_subject_key_is_refused_too(released):
    keys = new_keyfile()
    del keys["subject"]
    write_keyfile(released.tmp / "keys.json", keys)
    before = schema(released.tmp / "db.sqlite3")

    migrated = released.run("manage.py", "migrate", "--noinput")

    assert migrated.returncode != 0
    assert "no subject key" in migrated.stderr and "keys_complete" in migrated.stderr
    assert schema(released.tmp / "db.sqlite3") == before


def test_a_complete_key_file_migrates_and_records_the_release(released):
    migrated = released.run("manage.py", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    database = sqlite3.connect(released.tmp / "db.sqlite3")
    rows = database.execute("SELECT id, version FROM core_schemaversion").fetchall()
    database.close()
    assert rows == [(1, code_version())]

    again = released.run("manage.py", "migrate", "--noinput")  # records before it migrates
    assert again.returncode == 0, again.stderr
    assert "older workers now stop" in again.stdout


def test_older_code_refuses_to_migrate_a_newer_database(released):
    assert released.run("manage.py", "migrate", "--noinput").returncode == 0
    database = sqlite3.connect(released.tmp / "db.sqlite3")
    database.execute("UPDATE core_schemaversion SET version = '99.0.0'")
    database.commit()
    database.close()
    before = schema(released.tmp / "db.sqlite3")

    migrated = released.run("manage.py", "migrate", "--noinput")

    assert migrated.returncode != 0
    assert "migrated by release 99.0.0" in migrated.stderr
    assert schema(released.tmp / "db.sqlite3") == before
    database = sqlite3.connect(released.tmp / "db.sqlite3")
    assert database.execute("SELECT version FROM core_schemaversion").fetchall() == [("99.0.0",)]
    database.close()
