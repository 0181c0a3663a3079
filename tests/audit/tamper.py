"""Helpers that play the attacker with direct database access: triggers off, rows edited."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from audit.triggers import create_statements, drop_statements


@contextmanager
def triggers_dropped() -> Iterator[None]:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in drop_statements(vendor):
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in create_statements(vendor):
                cursor.execute(statement)


def sql(statement: str, params: list[object] | None = None) -> None:
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])
