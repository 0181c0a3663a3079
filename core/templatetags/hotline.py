from datetime import date, datetime

from django import template
from django.http import HttpRequest
from django.urls import translate_url

from core.lib.dates import local_date

register = template.Library()


@register.filter
def thaidate(value: date | datetime | None) -> str:
    return local_date(value) if value else ""


@register.filter
def thaidatetime(value: datetime | None) -> str:
    return local_date(value, with_time=True) if value else ""


@register.simple_tag(takes_context=True)
def language_url(context: template.Context, language: str) -> str:
    """This same page in another language (the language lives in the URL, not a cookie)."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)
