"""Which release's schema the database holds, so that older code stops before it writes
(README, "Upgrading"; docs/upgrading.md).

`manage.py migrate` (config/management/commands/migrate.py) records the running code's
release before it changes the schema and again once the migrations are applied (post_migrate,
core.apps). A worker compares it with its own release before every task (config/celery.py):
one whose code is older than the database stops taking tasks instead of failing half-way
through a task against tables it does not know.
"""

import re
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from core.models import SchemaVersion

DISTRIBUTION = "ethics-hotline"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


class StaleCode(RuntimeError):
    """This process runs an older release than the one that migrated the database."""


@cache
def code_version() -> str:
    """The release of the code in this process: pyproject.toml in a checkout (so a bumped
    version counts before the package is reinstalled), else the installed package's."""
    if PYPROJECT.exists():
        return str(tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["version"])
    return metadata.version(DISTRIBUTION)


def version_key(version: str) -> tuple[int, ...]:
    """Releases compare by their numbers, not as text: "0.10.1" is after "0.9.3"."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def database_version() -> str | None:
    """The release recorded in the database; None before the table exists (a database made by
    a release older than the record, or an empty one) or when no migrate has recorded one."""
    if SchemaVersion._meta.db_table not in connection.introspection.table_names():
        return None
    try:
        row = SchemaVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    except DatabaseError:
        return None
    return row


def stale_code_reason() -> str | None:
    """Why this process must not write, or None when its release is the database's or newer."""
    recorded = database_version()
    if recorded is None or version_key(recorded) <= version_key(code_version()):
        return None
    return (
        f"the database was migrated by release {recorded}, and this process runs the older "
        f"release {code_version()}: install release {recorded} here and restart"
    )


def schema_version_record() -> bool:
    """Record this code's release, never lowering the recorded one; False when the table does
    not exist yet (its migration has not run)."""
    if SchemaVersion._meta.db_table not in connection.introspection.table_names():
        return False
    recorded = database_version()
    if recorded is not None and version_key(recorded) > version_key(code_version()):
        raise StaleCode(stale_code_reason())
    SchemaVersion.objects.update_or_create(
        pk=1, defaults={"version": code_version(), "migrated_at": timezone.now()}
    )
    return True
