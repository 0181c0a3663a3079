"""`manage.py check` (and so `check --deploy`, `migrate`, `runserver`) reports a production
key file that would stop the processes at start (core.startup)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from core.keyring import keyfile_problem


@register("hotline")
def key_file_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []  # development fills the file in on first use
    problem = keyfile_problem()  # the file as it is now, not the cached keyring
    if problem is None:
        return []
    hint = "See the README, Production, 'Keys on several hosts'."
    return [Error(problem, hint=hint, id="hotline.E001")]
