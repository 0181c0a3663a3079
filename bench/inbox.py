"""Benchmark of the staff inbox and case page with 100,000 cases in one organisation.

    .venv/bin/python bench/inbox.py [--db sqlite|postgres|both] [--cases N] [--requests N] [--keep]

Each database starts fresh: a migrated SQLite file under a temporary directory, or the
PostgreSQL database bench_inbox (created, then dropped unless --keep); var/ is never touched.
The cases are real: every title and body is encrypted under a case key (one key for all, to
build fast) and bound to its own case id, and every case key is wrapped with HPKE to the
supervisor (a third also to the counselor), so the inbox unwraps and decrypts 50 real titles
per page. Requests go through Django's test client and the whole middleware stack, signed in
with password and TOTP, with DEBUG off. Timings are per request: median and 95th percentile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "bench_inbox"
AIM_MS = 150.0
PASSWORD = "bench password for the inbox"


# ---- inside the worker process ----------------------------------------------------------------


def _real_case(org: Any, category: Any, supervisor: Any) -> Any:
    """One case made the ordinary way, with a thread, for the case page."""
    from cases.models import AuthorSide, CaseKind, Channel, Visibility
    from cases.services import case_create, message_add

    real = case_create(
        kind=CaseKind.REPORT,
        organisation=org,
        category=category,
        channel=Channel.WEB,
        title="ฮั้วประมูลถนน",
        body={"what": "ผู้เสนอราคาเป็นญาติกัน " * 20, "who": "นายก"},
    )
    for i in range(10):
        message_add(
            case=real.case,
            key=real.key,
            side=AuthorSide.REPORTER if i % 2 else AuthorSide.COUNSELOR,
            author=None if i % 2 else supervisor,
            body=f"ข้อความที่ {i} " * 30,
            visibility=Visibility.SHARED,
        )
    return real


def _build(n: int) -> dict[str, Any]:
    import random
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import (
        Case,
        CaseKeyWrap,
        CaseKind,
        Category,
        Channel,
        StaffKey,
        State,
    )
    from cases.recovery import recovery_kit_create
    from cases.staff_keys import staff_key_endorse, staff_key_unlock
    from core import crypto
    from core.crypto import labels
    from core.models import Organisation, Role, User
    from counselors.services import totp_device_create

    rng = random.Random(6)
    org = Organisation.objects.create(code="BENCH", name_th="เทศบาลทดสอบ", type="municipality")
    recovery_kit_create(organisation=org, passphrase="bench recovery passphrase")
    categories = [
        Category.objects.create(
            kind=kind, code=f"{kind}-{i}", label_th=f"หมวด {i}", label_en=f"Category {i}"
        )
        for kind in (CaseKind.REPORT, CaseKind.QUESTION)
        for i in range(4)
    ]
    staff = {}
    for role in (Role.SUPERVISOR, Role.COUNSELOR):
        user = User(username=str(role), role=role, organisation=org)
        user.set_password(PASSWORD)
        user.save()
        staff_key_unlock(user=user, password=PASSWORD)
        staff_key_endorse(user=user, via="bench")  # as the ethics committee would
        totp_device_create(user=user, confirmed=True)
        staff[role] = user
    supervisor, counselor = staff[Role.SUPERVISOR], staff[Role.COUNSELOR]
    sup_pub = bytes(StaffKey.objects.get(user=supervisor).public)
    cou_pub = bytes(StaffKey.objects.get(user=counselor).public)

    real = _real_case(org, categories[0], supervisor)

    key = crypto.case_key_new()
    today = timezone.localdate()
    states = [State.RECEIVED, State.ACKNOWLEDGED, State.ASSESSMENT, State.INVESTIGATING]
    started = time.perf_counter()
    batch: list[Case] = []
    wraps: list[CaseKeyWrap] = []

    def flush() -> None:
        Case.objects.bulk_create(batch)
        ids = dict(Case.objects.filter(uid__in=[c.uid for c in batch]).values_list("uid", "pk"))
        for w in wraps:
            w.case_id = ids[w.case.uid]
        CaseKeyWrap.objects.bulk_create(wraps)
        batch.clear()
        wraps.clear()

    for i in range(n - 1):
        category = categories[rng.randrange(len(categories))]
        case = Case(
            kind=category.kind,
            organisation=org,
            category=category,
            channel=rng.choice([Channel.WEB] * 6 + [Channel.PHONE, Channel.WALK_IN]),
            receipt_lookup=f"bench-{i}",
            receipt_salt=b"",
            receipt_wrap=b"",
            assignee=counselor if i % 3 == 0 else None,
            # The state is protected once set: it goes in with the constructor.
            state=rng.choice(states) if category.kind == CaseKind.REPORT else State.RECEIVED,
        )
        due = today + timedelta(days=rng.randrange(-30, 60))
        if category.kind == CaseKind.REPORT:
            case.due_acknowledge, case.due_feedback = due, due + timedelta(days=80)
        else:
            case.due_answer = due
        uid = str(case.uid)
        case.title_ct = crypto.text_encrypt(key, f"เรื่องที่ {i}", case_id=uid, field=labels.CASE_TITLE)
        case.body_ct = crypto.text_encrypt(
            key, '{"what": "..."}', case_id=uid, field=labels.CASE_BODY
        )
        batch.append(case)
        info = labels.case_wrap("case", case.uid)
        wraps.append(
            CaseKeyWrap(
                case=case,
                purpose="case",
                user=supervisor,
                key_generation=1,
                wrapped=crypto.key_wrap(sup_pub, key, info=info),
            )
        )
        if case.assignee_id:
            wraps.append(
                CaseKeyWrap(
                    case=case,
                    purpose="case",
                    user=counselor,
                    key_generation=1,
                    wrapped=crypto.key_wrap(cou_pub, key, info=info),
                )
            )
        if len(batch) == 2000:
            flush()
    if batch:
        flush()
    # The case a thousandth page starts after: what "Older cases" links to, page after page.
    deep = Case.objects.filter(organisation=org).order_by("-created", "-pk")[999 * 50 - 1]
    return {
        "deep_after": deep.pk,
        "case_id": real.case.pk,
        "build_s": round(time.perf_counter() - started, 1),
        "cases": Case.objects.filter(organisation=org).count(),
    }


def _client(username: str) -> Any:
    from django.test import Client
    from django_otp.oath import totp

    from core.models import SealedTOTPDevice, User

    user = User.objects.get(username=username)
    device = SealedTOTPDevice.objects.get(user=user)
    client = Client()
    response = client.post("/staff/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/staff/login/verify/", {"token": code})
    assert response.headers["Location"] == "/staff/", response
    return client


def _time(client: Any, url: str, requests: int, must_contain: str) -> dict[str, Any]:
    response = client.get(url)  # warm-up, and a check that the page is the real one
    body = response.content.decode()
    assert response.status_code == 200 and must_contain in body, (url, response.status_code)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    return {
        "url": url,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "n": requests,
    }


def _worker(n: int, requests: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    built = _build(n)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a real load: without statistics the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    supervisor, counselor = _client("supervisor"), _client("counselor")
    case_url = f"/staff/cases/{built['case_id']}/"
    rows = [
        ("supervisor", "inbox, page 1", _time(supervisor, "/staff/cases/", requests, "เรื่องที่")),
        (
            "supervisor",
            "inbox, page 1000 (cases 49,951-50,000)",
            _time(supervisor, f"/staff/cases/?after={built['deep_after']}", requests, "เรื่องที่"),
        ),
        (
            "supervisor",
            "inbox, kind=question & channel=phone",
            _time(supervisor, "/staff/cases/?kind=question&channel=phone", requests, "เรื่องที่"),
        ),
        (
            "supervisor",
            "inbox, overdue",
            _time(supervisor, "/staff/cases/?deadline=overdue", requests, "เรื่องที่"),
        ),
        (
            "supervisor",
            "inbox, state=investigating & category",
            _time(supervisor, "/staff/cases/?state=investigating&category=2", requests, "เรื่องที่"),
        ),
        (
            "counselor",
            "inbox, mine and unassigned",
            _time(counselor, "/staff/cases/", requests, "เรื่องที่"),
        ),
        (
            "counselor",
            "inbox, assigned to me, due within a week",
            _time(counselor, "/staff/cases/?scope=mine&deadline=soon", requests, "เรื่องที่"),
        ),
        (
            "supervisor",
            "case page (10 messages, history)",
            _time(supervisor, case_url, requests, "ฮั้วประมูลถนน"),
        ),
    ]
    print(json.dumps({"built": built, "rows": rows}))


# ---- the driver ---------------------------------------------------------------------------------


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _run(db: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    print(f"[{db}] building {args.cases:,} cases and timing …", file=sys.stderr, flush=True)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            "--cases",
            str(args.cases),
            "--requests",
            str(args.requests),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"[{db}] worker failed:\n{out.stderr[-4000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {PG_DB}")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.cases, args.requests)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        base = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "HOTLINE_DEBUG": "false",
            "HOTLINE_VAR_DIR": tmp,
            "HOTLINE_KEYS_FILE": f"{tmp}/keys.json",
            "HOTLINE_LOG_LEVEL": "WARNING",
            "HOTLINE_ALLOWED_HOSTS": "testserver",
        }
        if args.db in ("sqlite", "both"):
            env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
            results["sqlite"] = _run("sqlite", env, args)
        if args.db in ("postgres", "both"):
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}")
            try:
                env = {**base, "DATABASE_URL": f"{PG_ADMIN_URL}/{PG_DB}"}
                results["postgres"] = _run("postgres", env, args)
            finally:
                if not args.keep:
                    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    print("| database | who | page | requests | p50 ms | p95 ms | aim p95 | met |")
    print("|---|---|---|---:|---:|---:|---|---|")
    for db, result in results.items():
        for who, what, t in result["rows"]:
            met = "yes" if t["p95"] <= AIM_MS else "no"
            print(
                f"| {db} | {who} | {what} | {t['n']} | {t['p50']:.1f} | {t['p95']:.1f} "
                f"| {AIM_MS:.0f} | {met} |"
            )
    for db, result in results.items():
        built = result["built"]
        print(
            f"\n{db}: {built['cases']:,} cases in one organisation, built in {built['build_s']} s"
        )


if __name__ == "__main__":
    main()
