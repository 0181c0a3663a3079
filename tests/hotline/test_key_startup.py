"""Production refuses to start the web server, the worker and beat without a complete key
file, and each logs the key file's fingerprint at start (core.startup, core.checks)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hotline.test_deploy_check import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def production(tmp_path: Path, keys: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "DJANGO_"))}
    environment.pop("CELERY_BROKER_URL", None)
    return (
        environment
        | PRODUCTION_ENV
        | {
            # The test's own SQLite files: the processes never reach a shared database.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "HOTLINE_CACHE_URL": "",
            "HOTLINE_VAR_DIR": str(tmp_path),
            "HOTLINE_KEYS_FILE": str(keys),
        }
    )


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


WEB = ["-c", "import config.wsgi"]
WORKER = ["-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
PROCESSES = {
    "web server": WEB,
    "worker": WORKER,
    "beat": ["-m", "celery", "-A", "config", "beat", "--schedule", "{tmp}/beat-schedule"],
}


def broken_key_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    complete = tmp_path / "complete.json"
    run(["manage.py", "keys_create", "--path", str(complete)], production(tmp_path, complete))
    data = json.loads(complete.read_text())
    lacking = tmp_path / "lacking.json"
    lacking.write_text(json.dumps({k: v for k, v in data.items() if k != "subject"}))
    unreadable = tmp_path / "a-directory.json"
    unreadable.mkdir()
    return {
        "missing": (tmp_path / "missing.json", "no key file at"),
        "unreadable": (unreadable, "cannot read the key file"),
        "lacking a purpose": (lacking, "has no subject key"),
    }


@pytest.mark.parametrize("process", sorted(PROCESSES))
@pytest.mark.parametrize("problem", ["missing", "unreadable", "lacking a purpose"])
def test_production_refuses_to_start_without_a_complete_key_file(tmp_path, process, problem):
    keys, reason = broken_key_files(tmp_path)[problem]
    args = [a.replace("{tmp}", str(tmp_path)) for a in PROCESSES[process]]
    result = run(args, production(tmp_path, keys))
    assert result.returncode != 0
    assert f"the hotline {process} refuses to start: " in result.stderr
    assert reason in result.stderr


def test_gunicorn_halts_instead_of_serving(tmp_path):
    env = production(tmp_path, tmp_path / "missing.json")
    result = run(["-m", "gunicorn", "config.wsgi", "--bind", "127.0.0.1:0"], env)
    assert result.returncode == 3  # gunicorn's "worker failed to boot": it stops, no respawn
    assert "the hotline web server refuses to start: no key file at" in result.stderr


def test_check_deploy_reports_it(tmp_path):
    env = production(tmp_path, tmp_path / "missing.json")
    result = run(["manage.py", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "(hotline.E001) no key file at" in result.stderr


def test_each_process_logs_the_fingerprint_keys_fingerprint_prints(tmp_path):
    keys = tmp_path / "keys.json"
    env = production(tmp_path, keys)
    assert run(["manage.py", "keys_create"], env).returncode == 0
    printed = run(["manage.py", "keys_fingerprint"], env)
    assert printed.returncode == 0, printed.stderr
    fingerprint = printed.stdout.splitlines()[0]
    web = run(WEB, env)
    assert web.returncode == 0, web.stderr
    assert f"hotline web server started with key file fingerprint {fingerprint}" in web.stderr


def test_worker_and_beat_log_the_fingerprint_at_start(caplog, settings, tmp_path):
    """The receivers Celery calls at worker_init and beat_init (config.celery)."""
    from config import celery as celery_config
    from core import keyring as keyring_module

    settings.HOTLINE_KEYS_FILE = tmp_path / "keys.json"
    keyring_module.keyring.cache_clear()
    try:
        with caplog.at_level("INFO", logger="hotline.keys"):
            celery_config._keys_at_worker_start()
            celery_config._keys_at_beat_start()
        fingerprint = keyring_module.keyring().fingerprint
    finally:
        keyring_module.keyring.cache_clear()
    assert [r.getMessage() for r in caplog.records] == [
        f"hotline worker started with key file fingerprint {fingerprint}",
        f"hotline beat started with key file fingerprint {fingerprint}",
    ]
