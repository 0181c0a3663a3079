"""Benchmark of the indicator engine at national size on PostgreSQL (or, with --sqlite, on a
SQLite file: the same organisations and a like spread of cases, made in Python; for quick
before/after comparisons at small sizes).

    .venv/bin/python bench/indicators.py [--cases 1000000] [--repeat 20] [--keep] [--sqlite]

Builds the database bench_indicators from scratch (dropped first, and at the end unless
--keep): 7,850 local organisations under 76 provinces and 878 districts, and metadata-only
cases spread over ten fiscal years (2560-2569), made by one INSERT ... SELECT over
generate_series (the *_ct fields are empty, receipt_lookup unique), in order of receipt as
a live system stores them. Then it builds the indicators' rollup (every fiscal year, as the
nightly task does) and times a refresh after case changes in some organisations; and it times,
for the whole country, a province, a district and one local organisation: the dashboard's
computation (this year and the previous one, as the page shows them, and the page's display
blocks) from the cases (raw, the reference) and as the page does it (the rollup for subtrees of
50 organisations or more), and the `indicators` command end to end (a new process, as an
operator runs it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "bench_indicators"
VAR = Path(os.environ.get("BENCH_VAR_DIR", "/tmp/bench-indicators-var"))
ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG_ADMIN_URL}/{PG_DB}",
    "HOTLINE_VAR_DIR": str(VAR),
    "HOTLINE_KEYS_FILE": str(VAR / "keys.json"),
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
PROVINCES, DISTRICTS, LOCALS = 76, 878, 7850
DASHBOARD_AIM_MS, COMMAND_AIM_S = 500, 5


SQLITE = "--sqlite" in sys.argv
if SQLITE:  # the settings' default database: a file in the var directory
    del ENV["DATABASE_URL"]
    ENV["HOTLINE_VAR_DIR"] = str(VAR / "sqlite")
    ENV["HOTLINE_KEYS_FILE"] = str(VAR / "sqlite" / "keys.json")


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_ADMIN_URL}/postgres", "-qc", sql], check=True)


def build_database() -> float:
    if SQLITE:
        (VAR / "sqlite").mkdir(parents=True, exist_ok=True)
        for leftover in (VAR / "sqlite").glob("hotline.sqlite3*"):
            leftover.unlink()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV,
                       check=True)  # fmt: skip
        return 0.0
    psql(f"DROP DATABASE IF EXISTS {PG_DB}")
    psql(f"CREATE DATABASE {PG_DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)
    return 0.0


def build_data(cases: int) -> dict[str, float]:
    from django.db import connection

    from cases.models import CaseKind, Category
    from core.models import Organisation, OrganisationType

    timings = {}
    started = time.perf_counter()
    ministry = Organisation.objects.create(
        code="MOI", name_th="กระทรวง", type=OrganisationType.MINISTRY, headcount=5000
    )
    provinces = Organisation.objects.bulk_create(
        Organisation(code=f"P{i:03d}", name_th=f"จังหวัด {i}", type=OrganisationType.PROVINCE,
                     parent=ministry, headcount=300)
        for i in range(PROVINCES)
    )  # fmt: skip
    districts = Organisation.objects.bulk_create(
        Organisation(code=f"D{i:04d}", name_th=f"อำเภอ {i}", type=OrganisationType.DISTRICT,
                     parent=provinces[i % PROVINCES], headcount=60)
        for i in range(DISTRICTS)
    )  # fmt: skip
    locals_ = Organisation.objects.bulk_create(
        Organisation(code=f"L{i:05d}", name_th=f"อปท. {i}",
                     type=OrganisationType.SAO if i % 4 else OrganisationType.MUNICIPALITY,
                     parent=districts[i % DISTRICTS], headcount=40 + i % 200)
        for i in range(LOCALS)
    )  # fmt: skip
    ministry.path = f"/{ministry.pk}/"
    for level in (provinces, districts, locals_):
        by_pk = {o.pk: o for o in (ministry, *provinces, *districts)}
        for o in level:
            o.path = f"{by_pk[o.parent_id].path}{o.pk}/"
    Organisation.objects.filter(pk=ministry.pk).update(path=ministry.path)
    Organisation.objects.bulk_update([*provinces, *districts, *locals_], ["path"], 2000)
    for i, code in enumerate(("bribery", "procurement", "abuse", "ethics", "other")):
        Category.objects.create(kind=CaseKind.REPORT, code=code, label_th=code, label_en=code,
                                is_corruption=i < 2)  # fmt: skip
    for code in ("law", "gifts", "conflict"):
        Category.objects.create(kind=CaseKind.QUESTION, code=code, label_th=code, label_en=code)
    timings["organisations"] = time.perf_counter() - started
    started = time.perf_counter()
    if SQLITE:
        sqlite_cases_insert(cases)
        timings["cases"] = time.perf_counter() - started
        return timings
    with connection.cursor() as cursor:
        cursor.execute(CASES_SQL, {"n": cases})
        cursor.execute(SUBJECTS_SQL)
        cursor.execute(MESSAGES_SQL)
        cursor.execute("ANALYZE")
    timings["cases"] = time.perf_counter() - started
    return timings


CASES_SQL = """
WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM core_organisation
           WHERE type IN ('sao', 'municipality')),
     rc AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_category WHERE kind = 'report'),
     qc AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_category WHERE kind = 'question'),
     base AS (
       SELECT g, r.*,
              CASE WHEN r.r1 < 0.6 THEN 'report' ELSE 'question' END AS k,
              timestamptz '2016-10-01 00:00+07' + (r.r2 * 3652) * interval '1 day' AS created,
              o.ids[1 + floor(r.r7 * array_length(o.ids, 1))::int] AS org,
              rc.ids[1 + floor(r.r8 * array_length(rc.ids, 1))::int] AS rcat,
              qc.ids[1 + floor(r.r8 * array_length(qc.ids, 1))::int] AS qcat
       FROM generate_series(1, %(n)s) AS g,
            LATERAL (SELECT random() + g * 0 AS r1, random() AS r2, random() AS r3,
                            random() AS r4, random() AS r5, random() AS r6, random() AS r7,
                            random() AS r8) AS r,
            o, rc, qc
     ),
     s AS (
       SELECT *, CASE
         WHEN created > now() - interval '30 days' AND r5 < 0.5 THEN 'received'
         WHEN k = 'question' THEN CASE WHEN r4 < 0.9 THEN 'closed' ELSE 'in_progress' END
         WHEN r4 < 0.08 THEN 'rejected'
         WHEN r4 < 0.15 THEN 'referred'
         WHEN r4 < 0.25 THEN 'investigating'
         ELSE 'closed' END AS st
       FROM base
     )
INSERT INTO cases_case (uid, kind, channel, created, is_anonymous, is_retaliation, key_version,
  title_ct, body_ct, receipt_lookup, receipt_salt, receipt_wrap, receipt_kdf, category_id,
  organisation_id, acknowledged_at, action_type, amount_recovered, answered_at, closed_at,
  due_acknowledge, due_answer, due_feedback, feedback_at, finding, penalty, referral_target,
  rejection_reason, reopen_count, state, version, ended_at)
SELECT gen_random_uuid(), k,
  (ARRAY['web','web','web','phone','walk_in','letter','referral'])[1 + floor(r3 * 7)::int],
  created, r6 < 0.7, k = 'report' AND r5 < 0.03, 1, '', '', 'bench-' || g, '', '', '{}',
  CASE WHEN k = 'report' THEN rcat ELSE qcat END, org,
  CASE WHEN k = 'report' AND st <> 'received' THEN created + r5 * 10 * interval '1 day' END,
  CASE WHEN k = 'report' AND st = 'closed' THEN
    (ARRAY['disciplinary','administrative','criminal','none'])[1 + floor(r6 * 4)::int]
    ELSE '' END,
  CASE WHEN k = 'report' AND st = 'closed' AND r6 < 0.1 THEN round((r5 * 100000)::numeric, 2)
    ELSE 0 END,
  CASE WHEN k = 'question' AND st = 'closed' THEN created + r5 * 20 * interval '1 day' END,
  CASE WHEN st = 'closed' THEN created + (1 + r5 * 200) * interval '1 day' END,
  (created + interval '7 days')::date,
  CASE WHEN k = 'question' THEN (created + interval '15 days')::date END,
  CASE WHEN k = 'report' THEN (created + interval '90 days')::date END,
  CASE WHEN k = 'report' AND st <> 'received' THEN created + r6 * 120 * interval '1 day' END,
  CASE WHEN k = 'report' AND st = 'closed' THEN
    (ARRAY['substantiated','partly','unsubstantiated','inconclusive'])[1 + floor(r2 * 4)::int]
    ELSE '' END,
  '', CASE WHEN st = 'referred' THEN 'nacc' ELSE '' END,
  CASE WHEN st = 'rejected' THEN 'insufficient' ELSE '' END, 0, st, 0,
  CASE WHEN st = 'closed' AND k = 'question' THEN created + r5 * 20 * interval '1 day'
    WHEN st = 'closed' THEN created + (1 + r5 * 200) * interval '1 day'
    WHEN st IN ('rejected', 'referred') THEN created + r6 * 120 * interval '1 day' END
FROM s ORDER BY created  -- cases arrive in time order, so each year's rows sit together
"""
SUBJECTS_SQL = """
INSERT INTO cases_subjectpseudonym (case_id, pseudonym)
SELECT id, 'bench:' || floor(random() * 40000)::int FROM cases_case
WHERE finding IN ('substantiated', 'partly')
ON CONFLICT DO NOTHING
"""
MESSAGES_SQL = """
INSERT INTO cases_message (uid, case_id, author_side, visibility, created, body_ct)
SELECT gen_random_uuid(), id, 'reporter', 'shared', created + interval '3 days', ''
FROM cases_case WHERE kind = 'report' AND is_anonymous AND random() < 0.2
"""


CASE_COLUMNS = (
    "uid", "kind", "channel", "created", "is_anonymous", "is_retaliation", "key_version",
    "title_ct", "body_ct", "receipt_lookup", "receipt_salt", "receipt_wrap", "receipt_kdf",
    "category_id", "organisation_id", "acknowledged_at", "action_type", "amount_recovered",
    "answered_at", "closed_at", "due_acknowledge", "due_answer", "due_feedback", "feedback_at",
    "finding", "penalty", "referral_target", "rejection_reason", "reopen_count", "state",
    "version", "ended_at", "reporter_wrote_after_end",
)  # fmt: skip


def sqlite_cases_insert(n: int) -> None:
    """CASES_SQL, SUBJECTS_SQL and MESSAGES_SQL done in Python for SQLite (seeded, so a run
    before a change and one after count the same cases)."""
    import random
    import uuid
    from datetime import UTC, datetime, timedelta

    from django.db import connection

    from cases.models import Category
    from core.models import Organisation

    rng = random.Random(2569)
    organisations = list(
        Organisation.objects.filter(type__in=("sao", "municipality"))
        .order_by("pk").values_list("pk", flat=True)
    )  # fmt: skip
    categories = {
        kind: list(Category.objects.filter(kind=kind).order_by("pk").values_list("pk", flat=True))
        for kind in ("report", "question")
    }
    start = datetime(2016, 9, 30, 17, tzinfo=UTC)  # 2016-10-01 00:00 in Bangkok
    now = datetime.now(UTC)

    def at(moment: datetime | None) -> str | None:
        return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(moment: datetime | None) -> str | None:
        return None if moment is None else (moment + timedelta(hours=7)).date().isoformat()

    rows = []
    for g in range(1, n + 1):
        r1, r2, r3, r4, r5, r6, r7, r8 = (rng.random() for _ in range(8))
        k = "report" if r1 < 0.6 else "question"
        created = start + timedelta(days=r2 * 3652)
        if created > now - timedelta(days=30) and r5 < 0.5:
            st = "received"
        elif k == "question":
            st = "closed" if r4 < 0.9 else "in_progress"
        else:
            st = ("rejected" if r4 < 0.08 else "referred" if r4 < 0.15
                  else "investigating" if r4 < 0.25 else "closed")  # fmt: skip
        report, closed = k == "report", st == "closed"
        closed_at = created + timedelta(days=1 + r5 * 200) if closed else None
        answered_at = created + timedelta(days=r5 * 20) if k == "question" and closed else None
        ended_at = answered_at if answered_at else closed_at
        if st in ("rejected", "referred"):
            ended_at = created + timedelta(days=r6 * 120)
        rows.append((
            uuid.UUID(int=rng.getrandbits(128)).hex, k,
            ("web", "web", "web", "phone", "walk_in", "letter", "referral")[int(r3 * 7)],
            at(created), r6 < 0.7, report and r5 < 0.03, 1, b"", b"", f"bench-{g}", b"", b"",
            "{}", categories[k][int(r8 * len(categories[k]))],
            organisations[int(r7 * len(organisations))],
            at(created + timedelta(days=r5 * 10)) if report and st != "received" else None,
            ("disciplinary", "administrative", "criminal", "none")[int(r6 * 4)]
            if report and closed else "",
            str(round(r5 * 100000, 2)) if report and closed and r6 < 0.1 else "0",
            at(answered_at), at(closed_at), day(created + timedelta(days=7)),
            day(created + timedelta(days=15)) if k == "question" else None,
            day(created + timedelta(days=90)) if report else None,
            at(created + timedelta(days=r6 * 120)) if report and st != "received" else None,
            ("substantiated", "partly", "unsubstantiated", "inconclusive")[int(r2 * 4)]
            if report and closed else "",
            "", "nacc" if st == "referred" else "",
            "insufficient" if st == "rejected" else "", 0, st, 0, at(ended_at), False,
        ))  # fmt: skip
    rows.sort(key=lambda row: str(row[3]))  # cases arrive in time order
    placeholders = ", ".join("%s" for _ in CASE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO cases_case ({', '.join(CASE_COLUMNS)}) VALUES ({placeholders})", rows
        )
        cursor.execute(
            "INSERT OR IGNORE INTO cases_subjectpseudonym (case_id, pseudonym) SELECT id, "
            "'bench:' || (abs(random()) % 40000) FROM cases_case "
            "WHERE finding IN ('substantiated', 'partly')"
        )
        cursor.execute(
            "INSERT INTO cases_message (uid, case_id, author_side, visibility, created, body_ct) "
            "SELECT lower(hex(randomblob(16))), id, 'reporter', 'shared', "
            "strftime('%%Y-%%m-%%d %%H:%%M:%%f', created, '+3 days'), x'' FROM cases_case "
            "WHERE kind = 'report' AND is_anonymous AND abs(random()) % 5 = 0"
        )
        cursor.execute("ANALYZE")


def build_rollup() -> tuple[float, int]:
    from indicators.rollup_build import rollup_year_build, rollup_years

    started = time.perf_counter()
    rows = sum(rollup_year_build(fiscal_year=year) for year in rollup_years())
    return time.perf_counter() - started, rows


def time_refresh(organisations: int, *, on_cases: bool) -> float:
    """A refresh after one change in each of `organisations` local organisations: to their
    newest case (as the workflow writes it), or naming no case (every year is recomputed)."""
    from audit.models import Action
    from audit.services import event_record
    from cases.models import Case
    from core.models import Organisation
    from indicators.rollup_build import rollup_refresh

    for organisation in Organisation.objects.filter(code__startswith="L")[:organisations]:
        case = Case.objects.filter(organisation=organisation).order_by("-created").first()
        target = case if on_cases else None
        event_record(action=Action.CASE_TRANSITION, organisation=organisation, target=target)
    started = time.perf_counter()
    rollup_refresh()
    return time.perf_counter() - started


def time_dashboard(code: str, repeat: int, *, rollup: bool = True) -> list[float]:
    from core.lib.fiscal import FiscalYear
    from core.models import Organisation
    from indicators.display import blocks
    from indicators.engine import Scope
    from indicators.figures import indicators_report

    organisation = Organisation.objects.get(code=code)
    scope = Scope(organisation=organisation, fiscal_year=FiscalYear(2569))
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        report, previous = indicators_report(scope, compare=True, rollup=rollup)
        blocks(report, previous)
        times.append(time.perf_counter() - started)
    return times[1:]  # the first warms the caches


def time_command(code: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "indicators", "--org", code, "--fiscal-year", "2569",
             "--format", "json"],
            cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument(
        "--reuse", action="store_true", help="use the kept database as it is (only migrate)"
    )
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.reuse:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV,
                       check=True)  # fmt: skip
    else:
        build_database()
    migrated = time.perf_counter() - started
    os.environ.update(ENV)
    import django

    django.setup()
    from django.db import connection

    if not args.reuse:
        timings = build_data(args.cases)
        print(
            f"migrate {migrated:.1f} s; organisations {timings['organisations']:.1f} s; "
            f"{args.cases:,} cases (+ subjects, messages, ANALYZE) {timings['cases']:.1f} s"
        )
    with connection.cursor() as cursor:
        since = "2025-09-30 17:00" if SQLITE else "2025-10-01 00:00+07"
        cursor.execute("SELECT count(*) FROM cases_case WHERE created >= %s", [since])
        print(f"cases in FY 2569: {cursor.fetchone()[0]:,}")
    built, rows = build_rollup()
    print(f"rollup: every fiscal year built in {built:.1f} s ({rows:,} rows)")
    for on_cases in (True, False):
        for changed in (1, 100):
            print(f"rollup refresh after changes in {changed} organisations "
                  f"({'to their newest case' if on_cases else 'naming no case'}): "
                  f"{time_refresh(changed, on_cases=on_cases):.2f} s")  # fmt: skip
    print("| scope | raw p50 | raw p95 | dashboard p50 | dashboard p95 | command median |")
    print("|---|---|---|---|---|---|")
    for label, code in (("country (MOI)", "MOI"), ("province", "P001"),
                        ("district", "D0001"), ("local organisation", "L00001")):  # fmt: skip
        raw = time_dashboard(code, args.repeat, rollup=False)
        dash = time_dashboard(code, args.repeat)
        command = time_command(code, 3)
        print(f"| {label} | {statistics.median(raw) * 1000:.0f} ms | {p95(raw) * 1000:.0f} ms "
              f"| {statistics.median(dash) * 1000:.0f} ms | {p95(dash) * 1000:.0f} ms "
              f"| {statistics.median(command):.2f} s |")  # fmt: skip
    print(f"aims: dashboard p95 < {DASHBOARD_AIM_MS} ms, command < {COMMAND_AIM_S} s")
    connection.close()
    if not args.keep and not args.reuse and not SQLITE:
        psql(f"DROP DATABASE {PG_DB}")


if __name__ == "__main__":
    main()
