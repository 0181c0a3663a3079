"""The auditor's dashboard: who may see it, which organisations, and the exports."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from audit.models import Action, Event
from audit.services import event_record
from core.models import Role
from tests.audit.indicator_fixtures import at, category, org, register_row
from tests.conftest import signed_in_client


@pytest.fixture
def tree(db):
    province = org(code="PROV")
    district = org(province, code="DIST")
    elsewhere = org(code="ELSE")
    reports = category(code="bribery")
    for day in range(1, 8):
        register_row(district, at(2026, 1, day).date(), category=reports)
    register_row(elsewhere, at(2026, 1, 1).date(), category=reports)
    return {"province": province, "district": district, "elsewhere": elsewhere}


@pytest.fixture
def auditor(make_staff, tree):
    return make_staff(Role.AUDITOR, organisation=tree["province"])


def test_an_auditor_sees_their_subtree_and_can_drill_down(auditor, tree):
    client = signed_in_client(auditor)
    response = client.get("/staff/audit/?fy=2569")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<script" not in page
    assert "?fy=2569&amp;org=DIST" in page
    response = client.get("/staff/audit/?fy=2569&org=DIST")
    assert response.status_code == 200
    assert response.context["report"]["reports_received"].value == 7


def test_another_subtree_is_not_shown_by_changing_the_url(auditor, tree):
    client = signed_in_client(auditor)
    # The same error as for a code that does not exist: nothing said about organisations
    # elsewhere.
    for url in ("/staff/audit/", "/staff/audit/log/"):
        elsewhere, nowhere = (client.get(f"{url}?org={code}") for code in ("ELSE", "NOWHERE"))
        assert elsewhere.context["form"].errors == nowhere.context["form"].errors
        assert list(elsewhere.context["form"].errors) == ["org"]
    assert client.get("/staff/audit/export/all.csv?org=ELSE").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.COUNSELOR, Role.SUPERVISOR, Role.CUSTODIAN]
)
def test_other_roles_are_refused(make_staff, tree, role):
    client = signed_in_client(make_staff(role, organisation=tree["province"]))
    for url in ("/staff/audit/", "/staff/audit/export/all.csv", "/staff/audit/log/",
                "/staff/audit/log/export.jsonl"):  # fmt: skip
        assert client.get(url).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, tree):
    response = client.get("/staff/audit/")
    assert response.status_code == 302 and "/staff/login/" in response.headers["Location"]


def test_csv_and_xlsx_exports_parse_back_and_are_logged(auditor, tree):
    client = signed_in_client(auditor)
    response = client.get("/en/staff/audit/export/channel_mix.csv?fy=2569")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["key", "label", "count", "share"]
    assert {row[0]: row[2] for row in rows[1:]}["web"] == "7"
    response = client.get("/staff/audit/export/all.xlsx?fy=2569")
    workbook = load_workbook(io.BytesIO(response.content))
    assert "summary" in workbook.sheetnames and "category_mix" in workbook.sheetnames
    summary = {row[0]: row[2] for row in workbook["summary"].iter_rows(values_only=True)}
    assert summary["reports_received"] == 7
    assert workbook.sheetnames[0] == "about"
    about = dict(workbook["about"].iter_rows(values_only=True))
    assert about["fiscal_year"] == 2569 and about["suppression_threshold"] == 5
    assert about["figures_as_of"] == about["generated"]  # computed from the cases just now
    response = client.get("/staff/audit/export/all.csv?fy=2569")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["ita_total", "", "7"] in rows
    assert ["about", "organisation", auditor.organisation.code] in rows
    exported = Event.objects.filter(action=Action.INDICATORS_EXPORTED)
    assert exported.count() == 3
    assert exported.last().actor == auditor
    assert client.get("/staff/audit/export/nope.csv").status_code == 404


def test_the_log_shows_only_events_of_the_subtree_and_exports_them(auditor, tree):
    event_record(action=Action.CASE_READ, organisation=tree["district"], details={"n": 1})
    event_record(action=Action.CASE_READ, organisation=tree["elsewhere"], details={"n": 2})
    event_record(action=Action.LOGIN_FAILED)
    client = signed_in_client(auditor)
    response = client.get("/staff/audit/log/")
    assert response.status_code == 200
    organisations = {e.organisation_id for e in response.context["events"]}
    assert tree["elsewhere"].pk not in organisations and None not in organisations
    assert tree["district"].pk in organisations
    filtered = client.get(f"/staff/audit/log/?action={Action.CASE_READ.value}&org=DIST")
    assert [e.details for e in filtered.context["events"]] == [{"n": 1}]
    response = client.get(f"/staff/audit/log/export.jsonl?action={Action.CASE_READ.value}")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [line["details"] for line in lines] == [{"n": 1}]
    assert Event.objects.filter(action=Action.AUDIT_LOG_EXPORTED, actor=auditor).exists()
    assert Event.objects.filter(action=Action.AUDIT_LOG_VIEWED, actor=auditor).exists()


def test_the_log_page_verifies_the_chain_on_request(auditor, tree):
    client = signed_in_client(auditor)
    response = client.post("/staff/audit/log/verify/")
    assert response.status_code == 200
    assert response.context["verification"].ok


def test_each_table_row_stands_beside_the_year_before(auditor, tree):
    reports = category(code="gifts")
    for day in range(1, 7):
        register_row(tree["district"], at(2025, 2, day).date(), category=reports)
    register_row(tree["district"], at(2025, 3, 1).date(), category=reports)
    client = signed_in_client(auditor)
    blocks = client.get("/staff/audit/?fy=2569").context["blocks"]
    lines = {line.figure.id: line for block in blocks for line in block.lines}
    categories = {row.key: (row.shown, earlier) for row, earlier in lines["category_mix"].rows}
    assert categories["bribery"] == (7, 0) and categories["gifts"] == (0, 7)
    assert lines["category_mix"].previous_total == 7
    months = [(row.key, row.shown, earlier) for row, earlier in lines["ita_by_month"].rows]
    assert months[4] == ("2026-02", 0, 6)  # February beside the February before
    assert months[5] == ("2026-03", 0, "<5")  # each year suppressed on its own
