"""Times that a reporter's action leaves behind are kept to the hour only: a precise one could
be matched against the organisation's network logs to find who filed or wrote (docs/architecture.md
§3).
Whole hours in UTC are whole hours in Bangkok, so dates, fiscal years and deadlines stay right.
"""

from datetime import datetime

from django.utils import timezone


def coarse_now() -> datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)
