"""Day counts computed in the database, so quantiles come back as small histograms."""

from typing import Any

from django.db.models import Func, IntegerField


class _DayDiff(Func):
    arity = 2  # (start, end)
    output_field = IntegerField()
    # SQLite stores dates and datetimes as ISO text, which julianday() reads.
    template = "CAST(julianday(%(expressions)s) AS INTEGER)"
    arg_joiner = ") - julianday("

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(end, start)  # rendered as "end - start"


class ElapsedDays(_DayDiff):
    """Whole days elapsed between two datetimes (rounded down)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)::integer",
            arg_joiner=" - ",
            **extra,
        )


class DateDiffDays(_DayDiff):
    """Calendar days between two dates."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )
