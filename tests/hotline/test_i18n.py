from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import translation

from core.lib.dates import local_date


def test_thai_is_the_default_and_english_is_one_link_away(db):
    thai = Client().get("/").content.decode()
    assert '<html lang="th">' in thai
    assert 'href="/en/"' in thai
    english = Client().get("/en/").content.decode()
    assert '<html lang="en">' in english
    assert "Ethics Hotline" in english
    assert 'href="/"' in english


def test_the_switch_keeps_the_page(db):
    page = Client().get("/staff/login/").content.decode()
    assert 'href="/en/staff/login/"' in page


def test_thai_pages_are_translated(db):
    english = Client().get("/en/").content.decode()
    thai = Client().get("/").content.decode()
    assert "What happens to a report" in english
    assert "What happens to a report" not in thai


def test_thai_dates_use_the_buddhist_era():
    with translation.override("th"):
        assert local_date(date(2026, 12, 5)) == "5 ธันวาคม 2569"
    with translation.override("en"):
        assert local_date(date(2026, 12, 5)) == "5 December 2026"


def test_datetimes_are_shown_in_bangkok_time():
    # 20:30 UTC on 31 December is already New Year's Day in Bangkok.
    value = datetime(2026, 12, 31, 20, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("th"):
        assert local_date(value, with_time=True) == "1 มกราคม 2570 03:30"
