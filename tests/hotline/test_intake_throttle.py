from django.test import Client

from cases.models import Case
from tests.factories import OrganisationFactory
from tests.hotline.intake import report_data


def post_report(tree, code=None):
    code = code or tree.municipality.code
    return Client().post(f"/en/o/{code}/report/", report_data(tree, what="เรื่องที่พิมพ์ไว้"))


def test_it_limits_reports_per_organisation_per_minute(tree, settings):
    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 2
    assert [post_report(tree).status_code for _ in range(2)] == [302, 302]
    response = post_report(tree)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Wait a minute and send it again" in page
    assert "เรื่องที่พิมพ์ไว้" in page  # what was typed is kept
    assert Case.objects.count() == 2


def test_another_organisation_is_not_held_up(tree, settings):
    from cases.recovery import recovery_kit_create

    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 1
    other = OrganisationFactory(parent=tree.district)
    recovery_kit_create(organisation=other, passphrase="another long passphrase")
    assert post_report(tree).status_code == 302
    assert post_report(tree).status_code == 429
    assert post_report(tree, other.code).status_code == 302


def test_it_limits_reports_overall(tree, settings):
    settings.HOTLINE_INTAKE_PER_MINUTE = 1
    assert post_report(tree).status_code == 302
    assert post_report(tree).status_code == 429


def test_the_limit_lifts_after_a_minute(tree, settings):
    import time_machine

    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 1
    with time_machine.travel(0, tick=False) as traveller:
        traveller.move_to("2026-01-01 10:00:05+07:00")
        assert post_report(tree).status_code == 302
        assert post_report(tree).status_code == 429
        traveller.move_to("2026-01-01 10:01:05+07:00")
        assert post_report(tree).status_code == 302


def test_the_throttle_keeps_no_client_data(tree, settings):
    from django.core.cache import cache

    Client().post(
        f"/o/{tree.municipality.code}/report/",
        report_data(tree),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Sentinel-UA/1.0",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    keys = list(cache._cache.keys())  # LocMemCache
    assert keys
    for key in keys:
        assert "intake" in key
        for trace in ("203.0.113.9", "198.51.100.7", "Sentinel", "csrf"):
            assert trace not in key
