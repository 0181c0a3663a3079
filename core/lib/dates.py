from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

BUDDHIST_ERA_OFFSET = 543


def buddhist_year(value: date) -> int:
    return value.year + BUDDHIST_ERA_OFFSET


def local_date(value: date | datetime, with_time: bool = False) -> str:
    """A date for people: '5 ธันวาคม 2569' in Thai (Buddhist Era), '5 December 2026' in English."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    day_month = date_format(value, "j F")
    year = buddhist_year(value) if (get_language() or "th").startswith("th") else value.year
    text = f"{day_month} {year}"
    if with_time and isinstance(value, datetime):
        text += " " + date_format(value, "H:i")
    return text
