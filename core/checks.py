"""`manage.py check` (and so `check --deploy`, `migrate`, `runserver`) reports a production
key file that would stop the processes at start (core.startup)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from core.keyring import load_keyfile_data, parse_keyring


@register("hotline")
def key_file_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []  # development fills the file in on first use
    try:
        parse_keyring(load_keyfile_data())  # not the cached keyring: read the file as it is now
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="See the README, Production, 'Keys on several hosts'.",
                id="hotline.E001",
            )
        ]
    return []
