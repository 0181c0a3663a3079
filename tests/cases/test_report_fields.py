"""A report's fields are declared once (cases/report_fields.py): every key a form can put in a
body, and every key the routing rule writes, is declared there, and both case pages label
every declared key in words."""

import re

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from cases.models import CaseKind
from cases.report_fields import (
    BY_NAME,
    OTHER_LABEL,
    REPORT_FIELDS,
    YES,
    FieldKind,
    Intake,
    fields_asked,
    form_field,
    input_names,
    reporter_rows,
    staff_rows,
)
from cases.routing import report_route
from counselors.workspace_forms import IntakeForm
from hotline.forms import QuestionForm, ReportForm, RetaliationForm
from tests.cases.factories import new_report
from tests.conftest import signed_in_client
from tests.counselors import team as fixtures
from tests.hotline.intake import Tree, open_case, organisation_tree

team = fixtures.team


@pytest.fixture
def tree(db) -> Tree:
    return organisation_tree()


def everything_filled(form: forms.Form, **overrides: object) -> dict[str, object]:
    """Data for every field of `form`, each given a valid value, as a person filling in all of
    it would send."""
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(field.queryset.first().pk)]
        elif isinstance(field, forms.ModelChoiceField):
            data[name] = str(field.queryset.first().pk)
        elif isinstance(field, forms.ChoiceField):
            data[name] = str(next(value for value, _ in field.choices if value))
        elif isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif isinstance(field, forms.EmailField):
            data[name] = "someone@example.org"
        elif isinstance(field, forms.CharField):
            data[name] = f"ข้อความใน {name}"
    data["website"] = ""  # the trap for robots stays empty
    return data | overrides


def typed_keys(intake: Intake, kind: CaseKind) -> set[str]:
    return {f.name for f in fields_asked(intake, kind) if not f.routed}


def test_every_key_the_public_forms_produce_is_declared(tree):
    question = QuestionForm(everything_filled(QuestionForm()))
    assert question.is_valid(), question.errors
    assert set(question.body()) == typed_keys(Intake.PUBLIC, CaseKind.QUESTION) == {"question"}

    organisation = tree.municipality
    report = ReportForm(
        everything_filled(ReportForm(organisation=organisation)), organisation=organisation
    )
    assert report.is_valid(), report.errors
    assert set(report.body()) == typed_keys(Intake.PUBLIC, CaseKind.REPORT)
    assert set(report.body()) == {"what", "when_where", "who", "how_known", "ongoing"}

    retaliation = RetaliationForm(everything_filled(RetaliationForm()))
    assert retaliation.is_valid(), retaliation.errors
    assert set(retaliation.body()) == typed_keys(Intake.RETALIATION, CaseKind.REPORT)
    assert set(retaliation.body()) == {"what", "when_where", "who", "ongoing"}


@pytest.mark.parametrize("kind", [CaseKind.QUESTION, CaseKind.REPORT])
def test_every_key_the_staff_intake_form_produces_is_declared(tree, kind):
    category = tree.question_category if kind == CaseKind.QUESTION else tree.report_category
    organisation = tree.municipality
    data = everything_filled(
        IntakeForm(organisation=organisation), kind=kind.value, category=str(category.pk)
    )
    if kind == CaseKind.QUESTION:  # a question names nobody
        data = {k: v for k, v in data.items() if k not in ("executive_involved", "named_staff")}
    form = IntakeForm(data, organisation=organisation)
    assert form.is_valid(), form.errors
    assert set(form.body()) == typed_keys(Intake.STAFF, kind)
    # The one box for the question or what happened fills the key of the case's kind.
    assert form.body()["question" if kind == CaseKind.QUESTION else "what"] == data["text"]


def test_every_key_routing_writes_is_declared(tree):
    body = {"what": "ปลัดเรียกเงิน"}
    target, routed = report_route(
        organisation=tree.municipality,
        body=body,
        executive_involved=True,
        excluded=[tree.counselor],
    )
    assert target == tree.district
    written = set(routed) - set(body)
    assert written == {f.name for f in REPORT_FIELDS if f.routed}
    assert routed["executive_involved"] == YES
    assert routed["named_staff"] == "สมหญิง ใจดี"


def test_each_form_asks_exactly_what_the_schema_says_its_intake_asks(tree):
    shown = {
        Intake.PUBLIC: set(QuestionForm().fields)
        | set(ReportForm(organisation=tree.municipality).fields),
        Intake.RETALIATION: set(RetaliationForm().fields),
        Intake.STAFF: set(IntakeForm(organisation=None).fields),
    }
    not_the_body = {
        "category",
        "attachments",
        "website",
        "kind",
        "channel",
        "identity_name",
        "identity_phone",
        "identity_email",
        "identity_other",
        "identity_contact",
    }
    for intake, names in shown.items():
        asked = set(input_names(intake, CaseKind.QUESTION, CaseKind.REPORT))
        assert names - not_the_body == asked, intake


def test_the_forms_keep_the_schemas_order(tree):
    report = list(ReportForm(organisation=tree.municipality).fields)
    assert report[:8] == [
        "category",
        "what",
        "when_where",
        "who",
        "how_known",
        "ongoing",
        "executive_involved",
        "named_staff",
    ]
    assert list(RetaliationForm().fields)[:4] == ["what", "when_where", "who", "ongoing"]
    assert list(IntakeForm(organisation=None).fields) == [
        "kind",
        "channel",
        "category",
        "text",
        "when_where",
        "who",
        "executive_involved",
        "named_staff",
        "identity_name",
        "identity_contact",
    ]


def test_fields_sharing_a_box_are_asked_alike():
    for intake in Intake:
        by_input: dict[str, list] = {}
        for f in fields_asked(intake, CaseKind.QUESTION, CaseKind.REPORT):
            by_input.setdefault(f.input_name(intake), []).append(f)
        for sharing in by_input.values():
            made = [form_field(f, intake) for f in sharing]
            assert len({(type(m), m.required, getattr(m, "max_length", 0)) for m in made}) == 1
            assert not {f.case_kinds for f in sharing[1:]} & {sharing[0].case_kinds}


def test_every_choice_field_declares_its_choices():
    for f in REPORT_FIELDS:
        assert bool(f.choices) == (f.kind in (FieldKind.CHOICE, FieldKind.BOOLEAN)), f.name


def every_key_filled() -> dict[str, str]:
    return {f.name: (f.choices[0][0] if f.choices else f"ค่าของ-{f.name}") for f in REPORT_FIELDS}


@pytest.mark.parametrize("language", ["th", "en"])
def test_both_pages_label_every_declared_key_in_words(language):
    with translation.override(language):
        for rows, label in ((reporter_rows, "reporter_label"), (staff_rows, "staff_label")):
            shown = dict(rows(every_key_filled()))
            assert len(shown) == len(REPORT_FIELDS)  # no two fields share a label
            assert str(OTHER_LABEL) not in shown
            for f in REPORT_FIELDS:
                words = shown[str(getattr(f, label))]
                assert words == f.words(every_key_filled()[f.name])
                assert words != f.name


def test_a_key_no_field_declares_is_still_shown_under_a_plain_label():
    with translation.override("en"):
        rows = staff_rows({"what": "เรื่อง", "from_an_older_form": "ข้อความเก่า"})
    assert rows == [("What happened", "เรื่อง"), ("Other information", "ข้อความเก่า")]


def original_section(page: str) -> str:
    return page.split('id="original"')[1].split("</section>")[0]


def test_the_staff_and_reporter_pages_label_every_declared_key(team):
    created = new_report(team.organisation, body=every_key_filled())
    staff_page = signed_in_client(team.supervisor).get(f"/en/staff/cases/{created.case.pk}/")
    reporter = Client()
    open_case(reporter, created.receipt.display)
    reporter_page = reporter.get("/en/case/")
    for page, label in ((staff_page, "staff_label"), (reporter_page, "reporter_label")):
        assert page.status_code == 200
        original = original_section(page.content.decode())
        labels = re.findall(r"<dt>(.*?)</dt>", original)
        with translation.override("en"):
            assert labels == [str(getattr(f, label)) for f in REPORT_FIELDS]
        for name in BY_NAME:
            assert f">{name}<" not in original
