"""Smaller things a reporter meets: required fields marked alike, a sensible answer to a filled
honeypot, the thread in arrival order, staff named by name, the FAQ linked, and the identity
labels translated."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import time_machine
from django.test import Client
from django.utils import timezone, translation

from cases.models import AuthorSide, Case
from cases.receipts import receipt_open
from cases.selectors import case_messages, nameable_staff
from cases.services import message_add
from core.models import Role
from tests.cases.factories import staff_with_key
from tests.hotline.intake import file_and_keep_receipt, open_case, report_data

ROOT = Path(__file__).resolve().parents[2]


def field_heading(page: str, field: str) -> str:
    """The legend or label text of a form field."""
    match = re.search(
        rf'<legend>(.*?)</legend>(?=(?:(?!</fieldset>).)*name="{field}")', page, re.S
    ) or re.search(rf'<label for="id_{field}">(.*?)</label>', page, re.S)
    assert match, f"no heading for {field}"
    return match.group(1)


def test_every_required_field_of_the_report_form_is_marked_alike(tree):
    page = Client().get(f"/en/o/{tree.municipality.code}/report/").content.decode()
    assert "Only the first field is required" not in page
    for required in ("category", "what"):
        assert "(required)" in field_heading(page, required), required
    for optional in ("when_where", "who"):
        heading = field_heading(page, optional)
        assert "(optional)" in heading and "(required)" not in heading


def test_a_filled_honeypot_says_something_that_makes_sense(tree):
    data = report_data(tree, what="WHAT-TYPED", website="http://spam.example")
    page = Client().post(f"/en/o/{tree.municipality.code}/report/", data).content.decode()
    assert "Please correct the marked fields" not in page
    assert "could not be sent" in page
    assert "WHAT-TYPED" in page  # nothing lost
    assert "spam.example" not in page  # the trap comes back empty, so sending again works
    assert "must be left empty" not in page  # nothing points at the trap
    assert not Case.objects.exists()
    again = Client().post(f"/o/{tree.municipality.code}/report/", report_data(tree))
    assert again.status_code == 302


def test_the_thread_is_in_arrival_order_although_reporter_times_are_coarse(tree):
    receipt = file_and_keep_receipt(
        Client(), f"/o/{tree.municipality.code}/report/", report_data(tree)
    )
    case, key = receipt_open(receipt)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    with time_machine.travel(hour + timedelta(minutes=40), tick=False):
        message_add(case=case, key=key, side=AuthorSide.COUNSELOR, body="FIRST-counselor")
        message_add(case=case, key=key, side=AuthorSide.REPORTER, body="SECOND-reporter")
    # The reporter's message is stamped 40 minutes earlier than the counselor's, yet came later.
    bodies = [m.body for m in case_messages(case=case, key=key, include_internal=True)]
    assert bodies == ["FIRST-counselor", "SECOND-reporter"]
    client = Client()
    open_case(client, receipt)
    page = client.get("/case/").content.decode()
    assert page.index("FIRST-counselor") < page.index("SECOND-reporter")


def test_only_staff_with_a_full_name_can_be_named(tree):
    nameless, _ = staff_with_key(Role.COUNSELOR, tree.municipality, first_name="", last_name="")
    listed = list(nameable_staff(tree.municipality))
    assert nameless not in listed
    assert tree.counselor in listed and tree.supervisor in listed
    page = Client().get(f"/o/{tree.municipality.code}/report/").content.decode()
    assert nameless.username not in page
    assert "สมหญิง ใจดี" in page


def test_the_faq_is_linked_from_the_home_and_organisation_pages(tree):
    for path in ("/", "/en/", f"/o/{tree.municipality.code}/", f"/en/o/{tree.municipality.code}/"):
        page = Client().get(path).content.decode()
        prefix = "/en" if path.startswith("/en/") else ""
        assert f'href="{prefix}/faq/"' in page, path


def test_the_staff_identity_labels_are_translated():
    from cases.report_fields import IDENTITY_LABELS

    with translation.override("th"):
        assert str(IDENTITY_LABELS["name"]) == "ชื่อ"
        assert str(IDENTITY_LABELS["other"]) == "ช่องทางติดต่ออื่น"


XGETTEXT_KEYWORDS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_translation_functions_are_imported_under_names_xgettext_finds():
    # makemessages extracts `_(...)` and the functions' own names; `_lazy(...)` is never seen.
    hidden = []
    for path in ROOT.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "bench", "migrations"} for part in path.parts):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname != "_" and alias.name in XGETTEXT_KEYWORDS:
                        hidden.append(f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}")
    assert hidden == []


def test_the_admin_requires_a_full_name_for_staff_who_can_be_named(make_staff, tree):
    from django.contrib import admin
    from django.test import RequestFactory

    from core.models import User

    request = RequestFactory().get("/admin/")
    request.user = make_staff(Role.ADMINISTRATOR, organisation=None)
    staff_admin = admin.site._registry[User]
    add_form = staff_admin.get_form(request, obj=None)
    base = {
        "username": "newcounselor",
        "usable_password": "false",
        "organisation": str(tree.municipality.pk),
    }
    nameless = add_form(data=base | {"role": Role.COUNSELOR})
    assert not nameless.is_valid()
    assert "first_name" in nameless.errors and "last_name" in nameless.errors
    named = add_form(data=base | {"role": Role.COUNSELOR, "first_name": "ก", "last_name": "ข"})
    assert named.is_valid(), named.errors
    auditor = add_form(data=base | {"role": Role.AUDITOR})
    assert auditor.is_valid(), auditor.errors

    change_form = staff_admin.get_form(request, obj=tree.counselor)
    initial = change_form(instance=tree.counselor).initial
    data = {k: v for k, v in initial.items() if v is not None and k != "password"}
    data |= {"first_name": "", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00"}
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data["organisation"] = str(tree.municipality.pk)
    data["groups"] = []
    data["user_permissions"] = []
    changed = change_form(data=data, instance=tree.counselor)
    assert not changed.is_valid()
    assert "first_name" in changed.errors
