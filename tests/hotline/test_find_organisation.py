import re

from django.test import Client

from tests.factories import OrganisationFactory


def test_the_home_page_offers_a_search_and_the_way_back(db):
    page = Client().get("/").content.decode()
    assert 'action="/find/"' in page and 'method="get"' in page
    assert 'href="/return/"' in page


def test_it_finds_by_thai_name_with_an_abbreviation(tree):
    page = Client().get("/find/", {"q": "อบต.ท่าทดสอบ"}).content.decode()
    assert f'href="/o/{tree.municipality.code}/"' in page


def test_it_finds_by_english_name_in_any_case(tree):
    page = Client().get("/en/find/", {"q": "tha TEST"}).content.decode()
    assert f'href="/en/o/{tree.municipality.code}/"' in page
    assert "Tha Test Subdistrict Administrative Organisation" in page


def test_it_says_when_nothing_matches(tree):
    page = Client().get("/en/find/", {"q": "ไม่มีชื่อนี้"}).content.decode()
    assert "No organisation matches that" in page


def test_inactive_organisations_are_not_listed(tree):
    OrganisationFactory(name_th="เทศบาลปิดแล้ว", parent=tree.district, is_active=False)
    page = Client().get("/find/", {"q": "ปิดแล้ว"}).content.decode()
    assert "เทศบาลปิดแล้ว" not in page


def test_browsing_goes_province_then_organisations(tree):
    page = Client().get("/find/").content.decode()
    assert f'href="/o/{tree.province.code}/"' in page
    province = Client().get(f"/o/{tree.province.code}/").content.decode()
    assert f'href="/o/{tree.municipality.code}/"' in province  # the whole province
    assert f'href="/o/{tree.district.code}/"' in province


def test_the_organisation_page_offers_both_forms(tree):
    page = Client().get(f"/en/o/{tree.municipality.code}/").content.decode()
    assert f'href="/en/o/{tree.municipality.code}/question/"' in page
    assert f'href="/en/o/{tree.municipality.code}/report/"' in page
    assert "<script" not in page


def test_the_poster_qr_points_at_site_url_not_the_host_header(tree, settings):
    settings.SITE_URL = "https://hotline.example.go.th"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    response = Client().get(f"/o/{tree.municipality.code}/poster/", HTTP_HOST="evil.example")
    page = response.content.decode()
    url = f"https://hotline.example.go.th/o/{tree.municipality.code}/"
    assert url in page
    assert "evil.example" not in page
    assert re.search(r"<svg[^>]*>", page)
    english = Client().get(f"/en/o/{tree.municipality.code}/poster/").content.decode()
    assert f"https://hotline.example.go.th/en/o/{tree.municipality.code}/" in english


def test_the_qr_code_encodes_that_url(tree, settings):
    import segno

    settings.SITE_URL = "https://hotline.example.go.th/"
    page = Client().get(f"/o/{tree.municipality.code}/poster/").content.decode()
    expected = segno.make(f"https://hotline.example.go.th/o/{tree.municipality.code}/", error="m")
    svg = expected.svg_inline(scale=6, title="x", omitsize=True)
    assert svg.split("<path", 1)[1].split("/>")[0] in page


def test_an_overlong_code_is_not_found(db):
    assert Client().get("/o/" + "X" * 500 + "/").status_code == 404


def test_control_characters_in_a_search_are_ignored(tree):
    response = Client().get("/find/", {"q": "ท่า\x00ทดสอบ\x1f"})
    assert response.status_code == 200


def test_a_code_with_a_nul_is_not_found(db):
    assert Client().get("/o/M%00/").status_code == 404
    assert Client().get("/o/M%00/report/").status_code == 404
