"""Benchmark of the tamper-evident audit log: appends (1 and N writers) and chain verification.

    .venv/bin/python bench/audit.py [--db sqlite|postgres|both] [--events N] [--appends N]
                                    [--writers N] [--repeat N]

Each database starts fresh: a migrated SQLite file under a temporary directory, or the
PostgreSQL database bench_audit (created, then dropped). var/ is never touched. Every
measurement runs in spawned processes that set their own environment before django.setup(),
with DEBUG off as in production. Each measurement is repeated; the table shows the median.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.context import SpawnContext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ would head sys.path and this file would shadow the `audit` app.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "bench_audit"
APPEND_AIM = 500  # events/s with 8 writers on PostgreSQL
VERIFY_AIM = 50_000  # events/s over 1,000,000 events


# ---- inside the spawned worker processes ------------------------------------------------

_barrier: Any = None


def _setup(env: dict[str, str], barrier: Any = None) -> None:
    global _barrier
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    if name != PG_DB and not name.startswith(env["HOTLINE_VAR_DIR"]):
        raise RuntimeError(f"refusing to benchmark against {name}")
    connection.ensure_connection()  # connecting is not part of any timing
    _barrier = barrier


def _append(n: int) -> tuple[float, float]:
    """Append n events, one transaction each; returns the (start, end) monotonic times."""
    from audit.models import Action
    from audit.services import event_record

    if _barrier is not None:
        _barrier.wait()
    start = time.monotonic()
    for i in range(n):
        event_record(action=Action.LOGIN_FAILED, details={"reason": "bench", "attempt": i % 5})
    return start, time.monotonic()


def _chain_state() -> tuple[bool, int, str]:
    from audit.selectors import chain_verify

    report = chain_verify()
    return report.ok, report.count, report.problem


def _load(total: int, batch: int = 20_000) -> float:
    """Extend the chain to `total` events with generated, correctly hashed rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.lib.chain import GENESIS, ChainRow, chain_hash
    from audit.models import Action, Event

    start = time.monotonic()
    head = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    last, prev = head if head else (0, GENESIS)
    actions = [str(a) for a in (Action.LOGIN_FAILED, Action.LOGIN_SUCCEEDED, Action.LOGOUT)]
    base = timezone.now()
    while last < total:
        events = []
        for seq in range(last + 1, min(last + batch, total) + 1):
            row = ChainRow(
                seq=seq,
                created=base + timedelta(milliseconds=seq),
                actor_id=None,
                action=actions[seq % len(actions)],
                organisation_id=None,
                object_type="core.user",
                object_id=str(seq % 97),
                details={"reason": "bench", "attempt": seq % 5},
                prev_hash=prev,
            )
            prev = chain_hash(row)
            events.append(Event(**{**vars(row), "hash": prev}))
        with transaction.atomic():
            Event.objects.bulk_create(events, batch_size=5000)
        last = events[-1].seq
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE audit_event")  # what autovacuum would do by itself
    return time.monotonic() - start


def _verify() -> tuple[bool, int, float, float, float]:
    """(ok, count, seconds) for chain_verify(), then for its halves: fetching and hashing."""
    from audit.selectors import _rows, chain_verify, rows_verify

    t0 = time.monotonic()
    report = chain_verify()
    t1 = time.monotonic()
    deque(_rows(5000), maxlen=0)  # the same query and conversions, streamed and dropped
    t2 = time.monotonic()
    gc.disable()  # a million live rows would make every collection slow; they hold no cycles
    rows = list(_rows(5000))
    t3 = time.monotonic()
    rows_verify(rows)
    t4 = time.monotonic()
    gc.enable()
    return report.ok, report.count, t1 - t0, t2 - t1, t4 - t3


# ---- in the parent process (which never sets Django up) ---------------------------------


@dataclass(frozen=True)
class Figure:
    db: str
    what: str
    events: int
    runs: Sequence[float]  # seconds per run
    aim: int | None = None

    def row(self) -> str:
        median, best = statistics.median(self.runs), min(self.runs)
        aim = "" if self.aim is None else f"≥ {self.aim:,}"
        met = "" if self.aim is None else ("yes" if self.events / median >= self.aim else "**no**")
        cells = f"{self.events:,} | {len(self.runs)} | {median:.2f} | {self.events / median:,.0f}"
        return f"| {self.db} | {self.what} | {cells} | {self.events / best:,.0f} | {aim} | {met} |"


def _call(ctx: SpawnContext, env: dict[str, str], fn: Callable[..., Any], *args: Any) -> Any:
    with ctx.Pool(1, _setup, (env,)) as pool:
        return pool.apply(fn, args)


def _appends(ctx: SpawnContext, env: dict[str, str], writers: int, n: int) -> float:
    """Seconds from the first writer starting to the last finishing (all start at a barrier)."""
    barrier = ctx.Barrier(writers)
    with ctx.Pool(writers, _setup, (env, barrier)) as pool:
        spans = pool.map(_append, [n] * writers, chunksize=1)
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _manage(env: dict[str, str], *argv: str) -> tuple[float, str]:
    """Run manage.py; returns (seconds, output), or raises with its stderr."""
    start = time.monotonic()
    command = [sys.executable, "manage.py", *argv]
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return time.monotonic() - start, done.stdout.strip()


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _bench(db: str, env: dict[str, str], args: argparse.Namespace) -> list[Figure]:
    ctx, n, writers, repeat = mp.get_context("spawn"), args.appends, args.writers, args.repeat

    def log(message: str) -> None:
        print(f"[{db}] {message}", file=sys.stderr, flush=True)

    _manage(env, "migrate", "--verbosity", "0")
    single = [_appends(ctx, env, 1, n) for _ in range(repeat)]
    log(f"1 writer: {n / statistics.median(single):,.0f}/s")
    _, before, _ = _call(ctx, env, _chain_state)
    multi = [_appends(ctx, env, writers, n) for _ in range(repeat)]
    ok, count, problem = _call(ctx, env, _chain_state)
    expected = before + repeat * writers * n
    rate = writers * n / statistics.median(multi)
    log(f"{writers} writers: {rate:,.0f}/s; then chain_verify(): ok={ok} {problem}")
    log(f"count={count:,}, expected {before:,} + {repeat} * {writers} * {n} = {expected:,}")
    if not ok or count != expected:
        raise SystemExit(f"[{db}] the chain forked or lost events under concurrent appends")
    aim = APPEND_AIM if db == "postgres" and writers == 8 else None
    figures = [Figure(db, "append, 1 writer", n, single)]
    figures.append(Figure(db, f"append, {writers} writer processes", writers * n, multi, aim))

    log(f"building a valid chain of {args.events:,} events …")
    load = _call(ctx, env, _load, args.events)
    if args.events > count:
        figures.append(Figure(db, "bulk load of the generated chain", args.events - count, [load]))
    runs = [_call(ctx, env, _verify) for _ in range(repeat)]
    oks, counts, verify, fetch, hashing = zip(*runs, strict=True)
    events = max(args.events, count)
    log(f"chain_verify() ok={oks} count={counts} seconds={[round(s, 2) for s in verify]}")
    if not all(oks) or set(counts) != {events}:
        raise SystemExit(f"[{db}] the generated chain did not verify")
    figures += [
        Figure(db, "chain_verify()", events, verify, VERIFY_AIM),
        Figure(db, "… fetching rows only (query + ORM conversion)", events, fetch),
        Figure(db, "… rows_verify() on rows in memory (hashing)", events, hashing),
    ]
    try:
        command_s, output = _manage(env, "audit_verify")
        log(f"manage.py audit_verify: {output[:40]}… in {command_s:.2f}s")
        figures.append(
            Figure(db, "manage.py audit_verify, 1 run (incl. startup)", events, [command_s])
        )
    except RuntimeError as error:  # e.g. the project's code is mid-edit; keep the rest
        log(str(error))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=1_000_000, help="chain length to verify")
    parser.add_argument("--appends", type=int, default=2000, help="appends per writer")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    args = parser.parse_args()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        base = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "HOTLINE_DEBUG": "false",
            "HOTLINE_VAR_DIR": tmp,
            "HOTLINE_KEYS_FILE": f"{tmp}/keys.json",
            "HOTLINE_LOG_LEVEL": "WARNING",
        }
        if args.db in ("sqlite", "both"):
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
            figures += _bench("sqlite", env, args)
        if args.db in ("postgres", "both"):
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}")
            try:
                env = {**base, "DATABASE_URL": f"{PG_ADMIN_URL}/{PG_DB}"}
                figures += _bench("postgres", env, args)
            finally:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    print("| database | measurement | events | runs | median s | events/s | best/s | aim | met |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
