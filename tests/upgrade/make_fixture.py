"""Make a release's upgrade fixture: `python -m tests.upgrade.make_fixture` (docs/upgrading.md).

Migrates a fresh SQLite database in a temporary directory with the code as it is now, runs
tests/upgrade/scenario.py on it, and writes tests/upgrade/release-<version>/:

- db.sql: the database as plain SQL (sqlite3's iterdump), no binary file;
- facts.json: what tests/upgrade/test_upgrade.py must find after migrating it with a later
  release: row counts per table, the audit chain's length and head, the receipts and the demo
  password, the plaintexts behind the ciphertexts, and the encrypted attachment files.

The server keys (HMAC, TOTP sealing, checkpoint signing) stay in the temporary directory and
are deleted with it: the test checks what can be checked without them (docs/upgrading.md).
"""

import base64
import json
import os
import sqlite3
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# Tables a fixture may leave empty, and why; any other empty table fails the generator, so a
# model added later is seeded in scenario.py before its release's fixture is made.
EMPTY_TABLES = {
    "django_session": "sessions are transient and expire; an upgrade need not keep them",
    "otp_totp_totpdevice": "unused: staff TOTP secrets live sealed in core_sealedtotpdevice",
    "core_lease": "held only while a beat runs (config/beat.py); nothing to upgrade",
}
# Rows the migrations themselves write; a later release adds to them.
NOT_COUNTED = {"django_migrations", "sqlite_sequence"}


def release_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _environment(tmp: Path) -> None:
    """Point the settings at the temporary directory, whatever the caller's shell has set."""
    for name in ("HOTLINE_KEYS", "CELERY_BROKER_URL", "HOTLINE_CACHE_URL", "HOTLINE_MEDIA_ROOT"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "HOTLINE_VAR_DIR": str(tmp),
            "HOTLINE_KEYS_FILE": str(tmp / "keys.json"),
            "TZ": "Asia/Bangkok",
        }
    )


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {
        name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
        for name in names
        if name not in NOT_COUNTED
    }


def _media(media_root: Path) -> dict[str, str]:
    return {
        path.relative_to(media_root).as_posix(): base64.b64encode(path.read_bytes()).decode()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def fixture_make(out: Path, version: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="release-fixture-") as name:
        tmp = Path(name)
        _environment(tmp)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        from audit.selectors import chain_verify
        from tests.upgrade.scenario import DEMO_PASSWORD, scenario_run

        call_command("migrate", verbosity=0)
        made = scenario_run(tmp)
        chain = chain_verify()
        assert chain.ok, chain.problem
        media = _media(Path(settings.MEDIA_ROOT))
        connections.close_all()

        database = sqlite3.connect(tmp / "db.sqlite3")
        counts = table_counts(database)
        empty = sorted(t for t, n in counts.items() if n == 0 and t not in EMPTY_TABLES)
        assert not empty, f"seed these tables in tests/upgrade/scenario.py: {empty}"
        out.mkdir(parents=True, exist_ok=True)
        with (out / "db.sql").open("w", encoding="utf-8") as dump:
            for statement in database.iterdump():
                dump.write(statement + "\n")
        database.close()

    facts = {
        "release": version,
        "made_with": "python -m tests.upgrade.make_fixture",
        "demo_password": DEMO_PASSWORD,
        "audit": {
            "count": chain.count,
            "head": chain.head,
            "checkpoint_seq": made.pop("checkpoint_seq"),
            "signing_key": made.pop("signing_key"),
        },
        "counts": counts,
        "empty_tables": {t: EMPTY_TABLES[t] for t in sorted(EMPTY_TABLES) if t in counts},
        **made,
        "media": media,
    }
    (out / "facts.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return facts


def main() -> None:
    # Only the release being made gets a fixture (its version is pyproject's): earlier ones
    # are history, kept as they were published, so nothing here can rewrite them.
    version = release_version()
    out = HERE / f"release-{version}"
    facts = fixture_make(out, version)
    print(f"wrote {out}: {facts['audit']['count']} audit events, {len(facts['counts'])} tables")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
