"""The README's two commands on a fresh machine: what `make` sets up, and what it says when
it cannot."""

import logging
import logging.config
import os
import re
import subprocess
import time
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"


def _bare_path(tmp_path: Path, *, uid: int) -> str:
    """A PATH with bash and a stand-in `id`, and none of the packages the tests need."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "bash").symlink_to("/bin/bash")
    (bin_dir / "id").write_text(f"#!/bin/bash\necho {uid}\n")
    (bin_dir / "id").chmod(0o755)
    return str(bin_dir)


def test_it_names_the_missing_packages_in_one_line_when_it_cannot_install(tmp_path):
    result = subprocess.run(
        [str(SCRIPT)],
        env={"PATH": _bare_path(tmp_path, uid=1000)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    for package in ("chromium", "gettext", "fonts-thai-tlwg"):
        assert package in lines[0]


def test_it_does_nothing_when_everything_is_there():
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _dry_run(*args: str) -> str:
    unset = {"PORT", "HOTLINE_SITE_URL", "MAKEFLAGS"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        ["make", "-n", "--always-make", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_test_sets_up_the_system_packages_first():
    commands = _dry_run("test").splitlines()
    setup = next(i for i, c in enumerate(commands) if "scripts/system-packages" in c)
    pytest = next(i for i, c in enumerate(commands) if "-m pytest" in c)
    assert setup < pytest


def test_make_run_serves_on_the_port_it_is_given():
    assert "http://127.0.0.1:8100/" in _dry_run("run", "PORT=8100")
    assert "http://127.0.0.1:8000/" in _dry_run("run")
    assert "${HOTLINE_PORT:-8000}" in (ROOT / "Procfile.dev").read_text()


@pytest.fixture
def bangkok_clock():
    """The process's local zone set to Bangkok for the test, and given back after."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Bangkok"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_every_process_logs_iso_times_with_the_zone(settings, bangkok_clock):
    # The formatter Django's LOGGING names, built here rather than by dictConfig, which would
    # reconfigure the logging of the pytest process itself for every later test.
    plain = settings.LOGGING["formatters"]["plain"]
    formatter = logging.Formatter(plain["format"], plain["datefmt"], plain["style"])
    line = formatter.format(logging.LogRecord("x", logging.INFO, "", 0, "hello", None, None))
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0700 INFO x hello$", line), line
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


def test_worker_and_beat_log_through_djangos_logging(settings, monkeypatch):
    from celery.signals import setup_logging

    import config.celery

    receivers = [r() if isinstance(r, weakref.ref) else r for _, r in setup_logging.receivers]
    assert config.celery._logging_as_django in receivers
    configured: list[dict] = []
    monkeypatch.setattr(logging.config, "dictConfig", configured.append)
    config.celery._logging_as_django()
    assert configured == [settings.LOGGING]
