"""The test suite's settings: the real ones, made fast and self-contained."""

import os
from pathlib import Path

_TEST_VAR = Path(__file__).resolve().parent.parent / "var" / "test"
os.environ.setdefault("HOTLINE_VAR_DIR", str(_TEST_VAR))
os.environ.setdefault("HOTLINE_KEYS_FILE", str(_TEST_VAR / "keys.json"))

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Explicitly weak, for speed; production keeps the default in config/settings.py.
HOTLINE_ARGON2 = {"memory_kib": 64, "iterations": 1, "lanes": 1}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "tests.sqlite_backend"
    # A file, not memory, so that other processes (the concurrency test) can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
