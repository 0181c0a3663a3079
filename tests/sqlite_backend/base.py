"""SQLite for the test suite only: the table flush between transactional tests lifts the
audit tables' append-only triggers for the DELETEs it issues and puts them back at once.

Production uses Django's own backend, whose flush the triggers refuse.
"""

from typing import Any

from django.db.backends.sqlite3 import base, operations

from audit.triggers import create_statements, drop_statements


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: list[str], **kwargs: Any) -> list[str]:
        statements = super().sql_flush(style, tables, **kwargs)
        if not statements:
            return statements
        return [*drop_statements("sqlite"), *statements, *create_statements("sqlite")]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
