"""One settings module for every environment, driven by environment variables.

HOTLINE_ENV=development (the default) runs on embedded defaults under var/;
HOTLINE_ENV=production requires real secrets and turns on every transport protection.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list, generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("HOTLINE_VAR_DIR", str(BASE_DIR / "var")))

HOTLINE_ENV = env("HOTLINE_ENV", "development")
if HOTLINE_ENV not in {"development", "production"}:
    raise RuntimeError("HOTLINE_ENV must be 'development' or 'production'")
PRODUCTION = HOTLINE_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env("HOTLINE_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise RuntimeError("HOTLINE_SECRET_KEY must be set to at least 50 random characters")
else:
    SECRET_KEY = env("HOTLINE_SECRET_KEY") or generated_secret(VAR_DIR / "secret_key")

DEBUG = env_bool("HOTLINE_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("HOTLINE_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
# Where links in notifications point; never taken from the request's Host header.
SITE_URL = env("HOTLINE_SITE_URL", "http://127.0.0.1:8000")

# The key file holds the signing and HMAC keys with their key ids (see README, "Keys").
HOTLINE_KEYS_FILE = Path(env("HOTLINE_KEYS_FILE", str(VAR_DIR / "keys.json")))
HOTLINE_KEYS_GENERATE = not PRODUCTION

INSTALLED_APPS = [
    "config.apps.HotlineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "config",
    "hotline",
    "counselors",
    "indicators",
    "cases",
    "audit",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hotline.middleware.privacy_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hotline.middleware.null_origin_by_fetch_metadata",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "counselors.keysession.key_cookie",
    "counselors.middleware.staff_gate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}"),
        conn_max_age=env_int("HOTLINE_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two writers never
    # both read the same audit chain head; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "counselors:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sessions live in the database; the cookie only names them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60  # idle timeout: every request pushes expiry forward
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_HTTPONLY = True
HOTLINE_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
HOTLINE_ENROLMENT_WINDOW_SECONDS = 10 * 60  # a new TOTP device needs a fresh password
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# The form token's cookie lasts until the browser closes (Django's default is a year), and
# "Leave" removes it: nothing from a visit stays on a shared computer. A form page must set
# it before the form is sent; pages without a form set no cookie at all.
CSRF_COOKIE_AGE = None

# Per-account login throttling: after this many failures, wait doubling from the base.
HOTLINE_LOGIN_FREE_FAILURES = 5
HOTLINE_LOGIN_BASE_DELAY_SECONDS = 60
HOTLINE_LOGIN_MAX_DELAY_SECONDS = 60 * 60
# Argon2id for staff keys and receipts: about 250 ms per derivation on a 2-core machine; at
# most this many run at once, so a burst of sign-ins or receipts cannot exhaust memory.
HOTLINE_ARGON2 = {"memory_kib": 64 * 1024, "iterations": 3, "lanes": 1}
HOTLINE_ARGON2_MAX_CONCURRENT = env_int("HOTLINE_ARGON2_MAX_CONCURRENT", 2)
OTP_TOTP_ISSUER = "Ethics Hotline"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("HOTLINE_STATIC_ROOT", str(VAR_DIR / "static")))
# Outside production WhiteNoise serves straight from the source folders; production
# serves the output of `collectstatic`.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploads stay in memory, bounded, until they are cleaned and encrypted: Django's default
# handler would write large ones to /tmp in the clear.
FILE_UPLOAD_HANDLERS = ["cases.uploads.BoundedMemoryUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 10
MEDIA_ROOT = Path(env("HOTLINE_MEDIA_ROOT", str(VAR_DIR / "media")))

# Backups (config/backup, README "Backup and restore"): the age recipients they are encrypted
# to, and how long one is kept; an older one is flagged, since it still holds purged cases.
HOTLINE_BACKUP_RECIPIENTS = env_list("HOTLINE_BACKUP_RECIPIENTS")
HOTLINE_BACKUP_RETENTION_DAYS = env_int("HOTLINE_BACKUP_RETENTION_DAYS", 35)

# Security headers. Pages carry no script of their own and nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],  # the Django admin's own files; public pages have none
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Under no-referrer browsers post forms with "Origin: null" and no Referer; the CSRF check
# then relies on Sec-Fetch-Site (hotline.middleware.null_origin_by_fetch_metadata).
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HOTLINE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("HOTLINE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("HOTLINE_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

CACHE_URL = env("HOTLINE_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = env("HOTLINE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("HOTLINE_FROM_EMAIL", "hotline@localhost")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every beat started runs this scheduler; only the one holding the lease sends (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat:LockedScheduler"
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint-daily": {
        "task": "audit.tasks.audit_checkpoint_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "deadlines-hourly": {"task": "cases.tasks.deadlines_scan_task", "schedule": crontab(minute=15)},
    # The indicators' rollup: changed organisations every few minutes, every year nightly (the
    # current year's open cases and due dates move with the date).
    "indicators-rollup-refresh": {
        "task": "indicators.tasks.indicators_rollup_refresh_task",
        "schedule": 300.0,
    },
    "indicators-rollup-rebuild-daily": {
        "task": "indicators.tasks.indicators_rollup_rebuild_task",
        "schedule": crontab(hour=0, minute=30),
    },
    "notifications-flush": {"task": "cases.tasks.notifications_flush_task", "schedule": 300.0},
    "questions-autoclose-daily": {
        "task": "cases.tasks.questions_autoclose_task",
        "schedule": crontab(hour=1, minute=0),
    },
    "retention-purge-daily": {
        "task": "cases.tasks.retention_purge_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "sessions-clear-daily": {
        "task": "core.tasks.sessions_clear_task",
        "schedule": crontab(hour=3, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"staff_requests_only": {"()": "config.logging.StaffRequestsOnly"}},
    # One clock for the web server, worker and beat: ISO time in TIME_ZONE, with its offset.
    "formatters": {
        "plain": {
            "format": "{asctime} {levelname} {name} {message}",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "style": "{",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["staff_requests_only"],
        },
    },
    "root": {"handlers": ["console"], "level": env("HOTLINE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
