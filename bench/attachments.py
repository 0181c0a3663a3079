"""Benchmark of attachment storage: the database (cases.storage) against the disk path of
release 0.2.0, for 64 KiB, 1 MiB and 10 MiB files.

    .venv/bin/python bench/attachments.py [--db sqlite|postgres|both] [--repeat 7]
    (then copy the figures into bench/RESULTS.md)

Upload is what the intake does per file: encrypt (core.crypto's file format) and store, in a
transaction with the Attachment row. Download is what the staff download does: read and
decrypt every chunk, the plaintext thrown away. The disk baseline is 0.2.0's code, kept here:
the same encrypted bytes to a file in a temporary directory, the row in the database.

Runs are paired: each repeat measures both paths on the same data back to back, alternating
which goes first, and the ratio column is the median of the per-pair ratios. Each database is
fresh: a SQLite file in a temporary directory, or a PostgreSQL database of this benchmark's
own (`bench_attachments`, at BENCH_PG_URL, created and dropped), so nothing shared is touched.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "bench_attachments"
SIZES = {"64 KiB": 64 * 1024, "1 MiB": 1024 * 1024, "10 MiB": 10 * 1024 * 1024}
MiB = 1024 * 1024


# ---- inside the worker process (one per database) -------------------------------------------


def _setup(var: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    name = str(settings.DATABASES["default"]["NAME"])
    if name != PG_DB and not name.startswith(str(var)):
        raise RuntimeError(f"refusing to benchmark against {name}")
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = var / "media"


def _disk_upload(case, key: bytes, data: bytes):  # 0.2.0's attachment_add, kept as the baseline
    from django.conf import settings
    from django.db import transaction

    from cases.models import Attachment
    from core import crypto
    from core.crypto import labels

    storage_name = f"attachments/{uuid.uuid4().hex}"
    path = Path(settings.MEDIA_ROOT) / storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    attachment = Attachment(case=case, storage_name=storage_name)
    with transaction.atomic():
        with open(path, "xb") as dst:
            attachment.size = crypto.stream_encrypt(
                key,
                io.BytesIO(data),
                dst,
                case_id=str(case.uid),
                field=labels.attachment_file(attachment.uid),
            )
        attachment.meta_ct = crypto.text_encrypt(
            key, '{"name": "f", "type": "x"}', case_id=str(case.uid), field="m"
        )
        attachment.save()
    return attachment


def _disk_download(attachment, key: bytes) -> int:
    from django.conf import settings

    from core import crypto
    from core.crypto import labels

    total = 0
    with open(Path(settings.MEDIA_ROOT) / attachment.storage_name, "rb") as src:
        for chunk in crypto.stream_decrypt_chunks(
            key,
            src,
            case_id=str(attachment.case.uid),
            field=labels.attachment_file(attachment.uid),
        ):
            total += len(chunk)
    return total


def _db_upload(case, key: bytes, data: bytes):
    from django.db import transaction

    from cases.services import attachment_add

    with transaction.atomic():
        return attachment_add(case=case, key=key, name="f", content_type="x", src=io.BytesIO(data))


def _db_download(attachment, key: bytes) -> int:
    from cases.selectors import attachment_chunks

    return sum(len(c) for c in attachment_chunks(attachment=attachment, key=key))


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _worker(var: Path, repeat: int) -> dict:
    _setup(var)
    from tests.cases.factories import new_report, organisation_with_kit

    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    case, key = created.case, created.key
    paths = {"database": (_db_upload, _db_download), "disk": (_disk_upload, _disk_download)}
    results: dict = {}
    for label, size in SIZES.items():
        data = os.urandom(size)
        for upload, download in paths.values():  # one warm-up each
            download(upload(case, key, data), key)
        times: dict = {(p, op): [] for p in paths for op in ("upload", "download")}
        for i in range(repeat):
            order = list(paths) if i % 2 == 0 else list(reversed(paths))
            for name in order:
                upload, download = paths[name]
                seconds, attachment = _timed(lambda u=upload, b=data: u(case, key, b))
                times[(name, "upload")].append(seconds)
                seconds, total = _timed(lambda d=download, a=attachment: d(a, key))
                assert total == size
                times[(name, "download")].append(seconds)
        results[label] = {f"{p}/{op}": t for (p, op), t in times.items()}
    # Peak Python memory of one 10 MiB download from the database (tracemalloc, its own run).
    attachment = _db_upload(case, key, os.urandom(SIZES["10 MiB"]))
    tracemalloc.start()
    _db_download(attachment, key)
    results["peak_download_bytes"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return results


# ---- the driver -------------------------------------------------------------------------------


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _run(db: str, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-attachments-") as tmp:
        var = Path(tmp)
        database = f"{PG_ADMIN_URL}/{PG_DB}" if db == "postgres" else f"sqlite:///{var / 'b.db'}"
        env = {
            k: v for k, v in os.environ.items() if k not in ("HOTLINE_KEYS", "HOTLINE_MEDIA_ROOT")
        } | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "HOTLINE_DEBUG": "0",  # no query log
            "HOTLINE_LOG_LEVEL": "ERROR",
            "HOTLINE_VAR_DIR": str(var),
            "HOTLINE_KEYS_FILE": str(var / "keys.json"),
            "DATABASE_URL": database,
        }
        if db == "postgres":
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}")
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", str(var), "--repeat", str(repeat)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            if db == "postgres":
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    return dict(json.loads(out.strip().splitlines()[-1]))


def _rate(size: int, seconds: float) -> str:
    return f"{size / seconds / MiB:,.0f}"


def _table(db: str, results: dict) -> list[str]:
    lines = [
        f"#### {db}",
        "",
        "| size | operation | database MiB/s median (best) | disk MiB/s median (best) "
        "| database time / disk time, median of pairs |",
        "|---|---|---|---|---|",
    ]
    for label, size in SIZES.items():
        for op in ("upload", "download"):
            db_t, disk_t = results[label][f"database/{op}"], results[label][f"disk/{op}"]
            ratio = statistics.median(a / b for a, b in zip(db_t, disk_t, strict=True))
            lines.append(
                f"| {label} | {op} | {_rate(size, statistics.median(db_t))} "
                f"({_rate(size, min(db_t))}) | {_rate(size, statistics.median(disk_t))} "
                f"({_rate(size, min(disk_t))}) | {ratio:.2f} |"
            )
    peak = results["peak_download_bytes"] / MiB
    lines += ["", f"Peak Python memory of one 10 MiB download from the database: {peak:.2f} MiB."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--worker", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, args.repeat)))
        return
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load_before = os.getloadavg()
    tables = []
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        tables += [*_table(db, _run(db, args.repeat)), ""]
    load_after = os.getloadavg()
    print(f"- {started}, {platform.node()}, {platform.processor() or platform.machine()}, ")
    print(f"  {os.cpu_count()} CPUs, Python {platform.python_version()}, --repeat {args.repeat}")
    print(f"- load average (1, 5, 15 min) before {load_before}, after {load_after}")
    print()
    print("\n".join(tables))


if __name__ == "__main__":
    main()
