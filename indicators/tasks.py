from celery import shared_task

from indicators.rollup_build import rollup_refresh, rollup_year_build, rollup_years


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def indicators_rollup_refresh_task() -> int:
    """Every few minutes: the rows of organisations whose cases changed. Idempotent."""
    return rollup_refresh()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def indicators_rollup_rebuild_task() -> int:
    """Daily: every year rebuilt, so the current year's open cases and due dates are counted as
    of today, and anything the audit log does not name (a category's corruption flag) is
    caught up. One transaction per year; idempotent."""
    return sum(rollup_year_build(fiscal_year=year) for year in rollup_years())
