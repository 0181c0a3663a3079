"""Benchmark of `manage.py backup` and `manage.py restore` (with its verification) at 100,000
cases.

    .venv/bin/python bench/backup.py [--db sqlite|postgres|both] [--cases N]

The cases are built as bench/inbox.py builds them (real ciphertexts and HPKE wraps), then a
checkpoint is signed. The backup is timed in the process that built them; the restore runs as
the operator runs it, `manage.py restore --identity … --kit …` into a new empty database, and
is timed from outside (process start included). SQLite works in a temporary directory;
PostgreSQL in the databases bench_backup_src and bench_backup_dst (BENCH_PG_DB_PREFIX changes
the prefix), created and dropped here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_PREFIX = os.environ.get("BENCH_PG_DB_PREFIX", "bench_backup")
KIT_PASSPHRASE = "bench recovery passphrase"


def _inbox() -> Any:
    spec = importlib.util.spec_from_file_location("bench_inbox", ROOT / "bench" / "inbox.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _worker(n: int, out: str, kit_path: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Value
    from django.db.models.functions import Concat

    import cases.recovery as recovery

    kits: list[dict[str, Any]] = []
    create = recovery.recovery_kit_create

    def keep_kit(**kwargs: Any) -> Any:
        key, kit = create(**kwargs)
        kits.append(kit)
        return key, kit

    recovery.recovery_kit_create = keep_kit  # the inbox bench drops its kit; keep it
    call_command("migrate", verbosity=0)
    built = _inbox()._build(n)
    Path(kit_path).write_text(json.dumps(kits[-1]))
    from cases.models import Case
    from core.keyring import keyring

    # The inbox bench's fake lookups carry no key id; real ones do (cases/receipts.py).
    kid = keyring().current_hmac.kid
    Case.objects.filter(receipt_lookup__startswith="bench-").update(
        receipt_lookup=Concat(Value(f"{kid}:"), "receipt_lookup")
    )
    call_command("audit_checkpoint", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from config.backup.service import backup_create

    started = time.perf_counter()
    manifest = backup_create(path=Path(out), recipients=[os.environ["BENCH_RECIPIENT"]])
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "cases": manifest["counts"]["cases.Case"],
                "rows": sum(manifest["counts"].values()),
                "build_s": built["build_s"],
                "backup_s": round(seconds, 1),
                "bytes": Path(out).stat().st_size,
            }
        )
    )


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _run(db: str, env: dict[str, str], target_url: str, tmp: str, n: int) -> dict[str, Any]:
    out, kit = f"{tmp}/{db}.age", f"{tmp}/{db}-kit.json"
    print(f"[{db}] building {n:,} cases and backing up …", file=sys.stderr, flush=True)
    worker = subprocess.run(
        [sys.executable, __file__, "--worker", "--cases", str(n), "--out", out, "--kit", kit],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if worker.returncode:
        raise SystemExit(f"[{db}] worker failed:\n{worker.stderr[-4000:]}")
    result = dict(json.loads(worker.stdout.strip().splitlines()[-1]))
    Path(f"{tmp}/passphrase").write_text(KIT_PASSPHRASE)
    print(f"[{db}] restoring …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    restore = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "restore",
            out,
            "--identity",
            f"{tmp}/identity.txt",
            "--kit",
            kit,
            "--passphrase-file",
            f"{tmp}/passphrase",
        ],
        cwd=ROOT,
        env={**os.environ, **env, "DATABASE_URL": target_url},
        capture_output=True,
        text=True,
        check=False,
    )
    result["restore_s"] = round(time.perf_counter() - started, 1)
    if restore.returncode:
        raise SystemExit(f"[{db}] restore failed:\n{restore.stdout}\n{restore.stderr[-4000:]}")
    result["restore_out"] = restore.stdout.strip().splitlines()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--kit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.cases, args.out, args.kit)
        return
    import pyrage

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        identity = pyrage.x25519.Identity.generate()
        Path(f"{tmp}/identity.txt").write_text(f"{identity}\n")
        base = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "HOTLINE_VAR_DIR": tmp,
            "HOTLINE_KEYS_FILE": f"{tmp}/keys.json",
            "HOTLINE_MEDIA_ROOT": f"{tmp}/media",
            "HOTLINE_LOG_LEVEL": "WARNING",
            "BENCH_RECIPIENT": str(identity.to_public()),
        }
        if args.db in ("sqlite", "both"):
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/source.sqlite3"}
            results["sqlite"] = _run(
                "sqlite", env, f"sqlite:///{tmp}/restored.sqlite3", tmp, args.cases
            )
        if args.db in ("postgres", "both"):
            src, dst = f"{PG_PREFIX}_src", f"{PG_PREFIX}_dst"
            drops = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in (src, dst)]
            _pg_admin(*drops, f"CREATE DATABASE {src}", f"CREATE DATABASE {dst}")
            try:
                env = {**base, "DATABASE_URL": f"{PG_ADMIN_URL}/{src}"}
                results["postgres"] = _run(
                    "postgres", env, f"{PG_ADMIN_URL}/{dst}", tmp, args.cases
                )
            finally:
                _pg_admin(*drops)
    print("| database | cases | rows | backup file MB | backup s | restore + verify s |")
    print("|---|---:|---:|---:|---:|---:|")
    for db, r in results.items():
        print(
            f"| {db} | {r['cases']:,} | {r['rows']:,} | {r['bytes'] / 1e6:.0f} "
            f"| {r['backup_s']} | {r['restore_s']} |"
        )
    for db, r in results.items():
        print(f"\n{db} restore said:\n" + "\n".join(f"    {line}" for line in r["restore_out"]))


if __name__ == "__main__":
    main()
