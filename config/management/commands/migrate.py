"""Django's migrate, after the preconditions of a safe upgrade (README, "Upgrading").

A precondition that fails stops the command before it touches the database, so the schema
stays as the running release left it:
- the key file holds every purpose core.keyring requires (a migrate that later needs a
  missing key would stop half-way, with the old code still serving);
- this code is not older than the release that last migrated the database (core.schema).
Then it records this release in the database before changing the schema, so workers still
running the old release stop before their next task instead of failing in the middle of it.
"""

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS

from core.keyring import keyfile_problem
from core.schema import schema_version_record, stale_code_reason


class Command(migrate.Command):
    help = (
        "Check the key file and the database's release, then update the database schema "
        "(Django's migrate)."
    )

    # The preconditions speak first, with what to do; Django's system checks follow.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self._preconditions(options)
        self.check(databases=[options["database"]])
        super().handle(*args, **options)

    def _preconditions(self, options: dict[str, Any]) -> None:
        problem = keyfile_problem()
        if problem:
            raise CommandError(f"migrate refused, nothing was changed: {problem}")
        if options.get("database", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
            return
        stale = stale_code_reason()
        if stale:
            raise CommandError(f"migrate refused, nothing was changed: {stale}")
        if options.get("plan") or options.get("check_unapplied"):
            return  # these only look
        if schema_version_record() and options["verbosity"] >= 1:
            self.stdout.write("Recorded this release in the database; older workers now stop.")
