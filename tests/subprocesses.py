"""Running code in other processes against the test database, for concurrency tests."""

import os
import subprocess
import sys

from django.db import connection


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def start(code: str, *args: str) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen[bytes]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return out.decode().strip()
