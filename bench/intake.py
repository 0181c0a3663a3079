"""Benchmark of the public intake and the receipt portal, through Django's test Client.

    .venv/bin/python bench/intake.py [--seconds 20] [--threads 2] [--output bench/out/intake.md]
    (then copy the figures into bench/RESULTS.md)

Runs against a fresh SQLite database in a temporary folder (deleted afterwards) with the
production settings module, so Argon2id has its production cost (64 MiB, 3 passes, 1 lane,
at most HOTLINE_ARGON2_MAX_CONCURRENT at once). Each filed report costs one Argon2id
derivation (sealing the case key under the receipt), each receipt login one (opening it):
so the Argon2id rate measured in the same run, with the same number of threads, bounds both.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

AIM = 0.8
MB = 1024 * 1024


def setup_django(var: Path) -> None:
    os.environ["HOTLINE_VAR_DIR"] = str(var)
    os.environ["HOTLINE_KEYS_FILE"] = str(var / "keys.json")
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["HOTLINE_ALLOWED_HOSTS"] = "testserver"
    os.environ["HOTLINE_LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = var / "media"
    # The throttles would (rightly) stop a benchmark; they cost two cache increments a request.
    settings.HOTLINE_INTAKE_PER_MINUTE = 10**9
    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 10**9
    settings.HOTLINE_RECEIPT_ATTEMPTS_PER_MINUTE = 10**9


def seed() -> tuple[str, int]:
    from cases.models import CaseKind, Category
    from cases.recovery import recovery_kit_create
    from cases.staff_keys import staff_key_endorse, staff_key_unlock
    from core.models import Organisation, OrganisationType, Role, User

    org = Organisation.objects.create(
        code="B100", name_th="เทศบาลทดสอบสมรรถนะ", type=OrganisationType.MUNICIPALITY
    )
    recovery_kit_create(organisation=org, passphrase="benchmark recovery passphrase")
    for i in range(2):
        user = User(username=f"sup{i}", role=Role.SUPERVISOR, organisation=org)
        user.set_password("benchmark password 2569")
        user.save()
        staff_key_unlock(user=user, password="benchmark password 2569")
        staff_key_endorse(user=user, via="bench")  # as the ethics committee would
    category = Category.objects.create(
        kind=CaseKind.REPORT, code="bribery", label_th="สินบน", label_en="Bribery"
    )
    return org.code, category.pk


def photo_of_about(size: int) -> bytes:
    """A JPEG of about `size` bytes: noise, so it compresses as badly as a real photo."""
    from PIL import Image

    side = 400
    while True:
        image = Image.frombytes("RGB", (side, side), random.randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        if len(out.getvalue()) >= size:
            return out.getvalue()
        side += 50


def run_threads(threads: int, seconds: float, work: Callable[[int], None]) -> float:
    """Operations per second of `work(i)` called in a loop by each thread for `seconds`."""
    counts = [0] * threads
    stop = time.perf_counter() + seconds
    errors: list[BaseException] = []

    def loop(n: int) -> None:
        try:
            while time.perf_counter() < stop:
                work(n)
                counts[n] += 1
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.perf_counter() - start)


def argon2_rate(threads: int, seconds: float) -> float:
    from core import crypto

    salt = crypto.salt_new()
    return run_threads(threads, seconds, lambda _: crypto.argon2id(b"1234567890123456", salt))


def report_rate(
    code: str, category: int, threads: int, seconds: float, photo: bytes | None
) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cases.models import Case

    clients = [Client() for _ in range(threads)]
    before = Case.objects.count()

    def file_one(n: int) -> None:
        data: dict[str, object] = {
            "category": str(category),
            "what": "ปลัดเรียกเงินจากผู้รับเหมาโครงการถนน " * 20,
            "ongoing": "yes",
        }
        if photo is not None:
            data["attachments"] = SimpleUploadedFile("photo.jpg", photo, "image/jpeg")
        response = clients[n].post(f"/o/{code}/report/", data)
        assert response.status_code == 302, response.status_code
        page = clients[n].get("/receipt/").content.decode()
        shown = re.search(r'<p class="receipt"[^>]*>(.*?)</p>', page, re.S)
        assert shown is not None
        digits = re.sub(r"\D", "", re.sub(r"<[^>]+>", "", shown.group(1)))
        confirmed = clients[n].post("/receipt/confirm/", {"last_group": digits[-4:]})
        assert confirmed.headers["Location"] == "/sent/"

    rate = run_threads(threads, seconds, file_one)
    assert Case.objects.count() > before
    return rate


def receipts_for_login(code: str, category: int, count: int) -> list[str]:
    from cases.models import CaseKind, Category, Channel
    from cases.services import case_create
    from core.models import Organisation

    org = Organisation.objects.get(code=code)
    cat = Category.objects.get(pk=category)
    return [
        case_create(
            kind=CaseKind.REPORT,
            organisation=org,
            category=cat,
            channel=Channel.WEB,
            title="t",
            body={"what": "x"},
        ).receipt.display
        for _ in range(count)
    ]


def login_rate(receipts: list[str], threads: int, seconds: float) -> float:
    from django.test import Client

    def login(n: int) -> None:
        client = Client()
        response = client.post("/return/", {"receipt": random.choice(receipts)})
        assert response.status_code == 302 and response.headers["Location"] == "/case/"

    return run_threads(threads, seconds, login)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    import django
    from django.conf import settings

    return {
        "cpu": cpu,
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "argon2": str(settings.HOTLINE_ARGON2),
        "argon2_max_concurrent": str(settings.HOTLINE_ARGON2_MAX_CONCURRENT),
        "date": subprocess.run(["date"], capture_output=True, text=True).stdout.strip(),
        "load_end": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        setup_django(Path(tmp))
        code, category = seed()
        photo = photo_of_about(MB)
        receipts = receipts_for_login(code, category, 40)
        t, s = args.threads, args.seconds
        # Other load on the machine moves both figures: each measure is set against the
        # Argon2id rate measured just before and just after it.
        measures: list[tuple[str, Callable[[], float]]] = [
            ("reports, no attachment", lambda: report_rate(code, category, t, s, None)),
            (
                f"reports with a {len(photo) / MB:.2f} MiB JPEG",
                lambda: report_rate(code, category, t, s, photo),
            ),
            ("receipt logins", lambda: login_rate(receipts, t, s)),
        ]
        rows = []
        before = argon2_rate(t, s / 2)
        for name, measure in measures:
            value = measure()
            after = argon2_rate(t, s / 2)
            rows.append((name, value, (before + after) / 2))
            before = after
        info = machine()
    lines = [
        "# Intake and receipt portal benchmark",
        "",
        "What: `bench/intake.py` drives the real views through Django's test Client in "
        f"{t} threads for {s:.0f} s each: filing a report (POST the form, GET the receipt page, "
        "POST the confirmation), with and without a photo attachment (re-encoded by Pillow to "
        "strip its metadata, then encrypted), and opening a case with a receipt (POST /return/). "
        "Each report and each login costs exactly one Argon2id derivation; the Argon2id rate "
        f"with the same {t} threads, measured in the same run, is the bound. Aim: "
        f"{AIM:.0%} of it.",
        "",
        "Data: a fresh SQLite database (WAL) in a temporary folder, production settings and "
        "Argon2id parameters, one organisation with a recovery key and two supervisors (so each "
        "case key is wrapped three times), a Thai report text of about 1.5 KB, a noise JPEG "
        f"of {len(photo) / MB:.2f} MiB, and 40 receipts for the logins.",
        "",
        "| measure | per second | Argon2id bound (derivations per second) | share of the bound |",
        "|---|---:|---:|---:|",
    ]
    for name, value, bound in rows:
        lines.append(f"| {name} | {value:.2f} | {bound:.2f} | {value / bound:.0%} |")
    lines += ["", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
