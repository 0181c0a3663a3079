"""A reporter's words are never lost: the pages say beforehand whether the organisation can
receive, a refused submission comes back with everything typed, and the files to choose again
are named."""

import re

import pytest
from django.test import Client

from cases.models import Attachment, Case, CaseKind, Category
from cases.recovery import recovery_kit_create
from tests.cases.factories import KIT_PASSPHRASE
from tests.factories import CategoryFactory, OrganisationFactory
from tests.hotline.intake import docx_with_properties, report_data, upload

TYPED = {
    "what": "WHAT-TYPED-ปลัดเรียกเงิน",
    "when_where": "WHEN-TYPED-เมื่อวาน",
    "who": "WHO-TYPED-ปลัด",
    "identity_name": "NAME-TYPED",
    "identity_other": "OTHER-TYPED",
}


@pytest.fixture
def bare(tree):
    """An organisation under the district with no recovery key and no supervisor."""
    return OrganisationFactory(code="B900199", parent=tree.district, name_en="Bare Town")


def assert_all_kept(page: str) -> None:
    for value in TYPED.values():
        assert value in page, f"{value} was lost"
    assert re.search(r'value="saw"[^>]*checked', page), "the chosen answer was lost"


def test_the_organisation_page_says_whether_it_can_receive(tree, bare):
    ready = Client().get(f"/en/o/{tree.municipality.code}/").content.decode()
    assert "can receive questions and reports" in ready
    not_ready = Client().get(f"/en/o/{bare.code}/").content.decode()
    assert "cannot receive questions and reports yet" in not_ready
    assert "Bare Town" in not_ready


@pytest.mark.parametrize("form", ["question", "report"])
def test_both_forms_say_it_before_anything_is_typed(tree, bare, form):
    page = Client().get(f"/en/o/{bare.code}/{form}/").content.decode()
    notice = page.index("cannot receive questions and reports yet")
    assert notice < page.index('<form method="post"')
    ready = Client().get(f"/en/o/{tree.municipality.code}/{form}/").content.decode()
    assert "cannot receive" not in ready


def test_a_refused_report_keeps_every_field_and_names_the_files(tree, bare, media):
    data = report_data(tree, **TYPED) | {
        "attachments": [upload("evidence-photo.txt", b"hello"), upload("minutes.txt", b"x")],
    }
    response = Client().post(f"/en/o/{bare.code}/report/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bare Town has not finished setting up its ethics hotline" in page
    assert_all_kept(page)
    assert "evidence-photo.txt" in page and "minutes.txt" in page
    assert "choose them again" in page
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_refused_question_keeps_the_question(tree, bare):
    data = {"category": str(tree.question_category.pk), "question": "QUESTION-TYPED"}
    page = Client().post(f"/en/o/{bare.code}/question/", data).content.decode()
    assert "Bare Town has not finished setting up its ethics hotline" in page
    assert "QUESTION-TYPED" in page
    assert not Case.objects.exists()


def test_a_throttled_report_names_the_files_to_choose_again(tree, settings):
    settings.HOTLINE_INTAKE_PER_ORGANISATION_PER_MINUTE = 0
    data = report_data(tree, **TYPED) | {"attachments": [upload("ledger.txt", b"numbers")]}
    response = Client().post(f"/en/o/{tree.municipality.code}/report/", data)
    assert response.status_code == 429
    page = response.content.decode()
    assert_all_kept(page)
    assert "ledger.txt" in page


def test_a_refused_file_names_every_file_to_choose_again(tree):
    data = report_data(tree, **TYPED) | {
        "attachments": [
            upload("fine.txt", b"plain words"),
            upload("macro.docx", docx_with_properties(macros=True)),
        ]
    }
    page = Client().post(f"/en/o/{tree.municipality.code}/report/", data).content.decode()
    assert_all_kept(page)
    dropped = page[page.index("choose them again") :]
    assert "fine.txt" in dropped and "macro.docx" in dropped


def test_naming_the_powerful_goes_to_the_nearest_ancestor_that_can_receive(db, media):
    province = OrganisationFactory(name_en="Ready Province")
    recovery_kit_create(organisation=province, passphrase=KIT_PASSPHRASE)
    district = OrganisationFactory(parent=province, name_en="Unready District")
    town = OrganisationFactory(parent=district, name_en="Ready Town")
    recovery_kit_create(organisation=town, passphrase=KIT_PASSPHRASE)
    category = CategoryFactory(kind=CaseKind.REPORT)
    assert Category.objects.filter(kind=CaseKind.REPORT).exists()

    form = Client().get(f"/en/o/{town.code}/report/").content.decode()
    assert "your report goes to Ready Province" in form

    data = {"category": str(category.pk), "what": "the mayor", "executive_involved": "on"}
    response = Client().post(f"/o/{town.code}/report/", data)
    assert response.status_code == 302
    assert Case.objects.get().organisation == province


def test_with_no_ancestor_ready_the_form_says_so_beforehand(db, media):
    district = OrganisationFactory(name_en="Unready District")
    town = OrganisationFactory(parent=district, name_en="Ready Town")
    recovery_kit_create(organisation=town, passphrase=KIT_PASSPHRASE)
    category = CategoryFactory(kind=CaseKind.REPORT)
    form = Client().get(f"/en/o/{town.code}/report/").content.decode()
    assert "no organisation above Ready Town can receive it yet" in form

    data = {"category": str(category.pk), "what": "WHAT-TYPED", "executive_involved": "on"}
    response = Client().post(f"/en/o/{town.code}/report/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "WHAT-TYPED" in page
    assert "no organisation above Ready Town can receive" in page
    assert not Case.objects.exists()


def test_naming_the_powerful_of_a_top_organisation_that_cannot_receive_blames_no_one_above(
    db, media
):
    # Nothing is above it, so such a report stays with it (the people named kept out): the
    # refusal is that it is not set up, not that an organisation above cannot receive.
    top = OrganisationFactory(name_en="Bare Province", parent=None)
    category = CategoryFactory(kind=CaseKind.REPORT)
    data = {"category": str(category.pk), "what": "WHAT-TYPED", "executive_involved": "on"}
    response = Client().post(f"/en/o/{top.code}/report/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bare Province has not finished setting up its ethics hotline" in page
    assert "organisation above" not in page
    assert "WHAT-TYPED" in page
    assert not Case.objects.exists()
