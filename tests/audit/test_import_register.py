import csv
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audit.models import Action, Event
from cases.models import CaseKind
from cases.workflow import subject_pseudonym
from indicators.models import HistoricalCase
from indicators.registers import COLUMNS, RegisterInvalid, parse_date, register_import
from tests.audit.indicator_fixtures import category, org

GOOD = {
    "external_ref": "2567/001", "org_code": "REG1", "kind": "report", "category": "bribery",
    "channel": "letter", "received_date": "15/11/2567", "acknowledged_date": "2024-11-18",
    "closed_date": "", "finding": "substantiated", "anonymous": "no", "retaliation": "",
    "referred_to": "", "subject_key": "Somchai Jaidee", "amount_recovered": "12,500.50",
}  # fmt: skip


@pytest.fixture
def setup(db):
    org(code="REG1")
    category(code="bribery")
    category(CaseKind.QUESTION, code="law")


def write_csv(tmp_path, rows, name="register.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_it_imports_rows_with_buddhist_era_dates(setup, tmp_path):
    call_command("import_register", str(write_csv(tmp_path, [GOOD])))
    row = HistoricalCase.objects.get()
    assert row.received_date == date(2024, 11, 15)  # 15/11/2567 B.E.
    assert row.acknowledged_date == date(2024, 11, 18)
    assert row.is_anonymous is False and row.finding == "substantiated"
    assert row.amount_recovered == Decimal("12500.50")
    assert row.subject_pseudonym == subject_pseudonym("somchai  jaidee")
    assert "Somchai" not in row.subject_pseudonym
    assert Event.objects.filter(action=Action.REGISTER_IMPORTED).count() == 1


def test_importing_the_same_file_twice_changes_nothing(setup, tmp_path):
    path = write_csv(tmp_path, [GOOD, GOOD | {"external_ref": "2567/002", "kind": "question",
                                              "category": "law", "finding": ""}])  # fmt: skip
    call_command("import_register", str(path))
    before = list(HistoricalCase.objects.order_by("pk").values())
    events = Event.objects.count()
    call_command("import_register", str(path))
    assert list(HistoricalCase.objects.order_by("pk").values()) == before
    assert Event.objects.count() == events


def test_errors_are_reported_by_row_and_column_and_nothing_is_imported(setup, tmp_path, capsys):
    rows = [
        GOOD,
        GOOD | {"external_ref": "2", "org_code": "NOPE"},
        GOOD | {"external_ref": "3", "received_date": "31/02/2567", "channel": "fax"},
        GOOD | {"external_ref": "4", "kind": "question", "category": "law", "retaliation": "yes"},
        GOOD | {"external_ref": "5", "closed_date": "2020-01-01", "amount_recovered": "-5"},
        GOOD,  # the same reference again
    ]
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_register", str(write_csv(tmp_path, rows)))
    errors = capsys.readouterr().err.splitlines()
    assert any(e.startswith("row 3, column org_code:") for e in errors)
    assert any(e.startswith("row 4, column received_date:") for e in errors)
    assert any(e.startswith("row 4, column channel:") for e in errors)
    assert any(e.startswith("row 5, column retaliation:") for e in errors)
    assert any(e.startswith("row 6, column closed_date:") for e in errors)
    assert any(e.startswith("row 6, column amount_recovered:") for e in errors)
    assert any(e.startswith("row 7, column external_ref:") for e in errors)
    assert not HistoricalCase.objects.exists()


def test_a_missing_column_is_an_error(setup, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("external_ref,org_code\nA,REG1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_register", str(path))


def test_it_reads_xlsx_with_real_dates(setup, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [GOOD[c] for c in COLUMNS[:5]] + [date(2024, 11, 2)] + [GOOD.get(c) for c in COLUMNS[6:]]
    )
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    call_command("import_register", str(path))
    assert HistoricalCase.objects.get().received_date == date(2024, 11, 2)


def test_dates_in_both_notations():
    assert parse_date("01/10/2568") == date(2025, 10, 1)
    assert parse_date("2025-10-01") == date(2025, 10, 1)
    with pytest.raises(ValueError):
        parse_date("01/10/2025")  # a Christian-era year in the Thai notation is refused


REQUIRED_ONLY = ["external_ref", "org_code", "kind", "category", "channel", "received_date"]


def test_a_csv_with_only_the_required_columns_imports(setup, tmp_path):
    path = tmp_path / "minimal.csv"
    path.write_text(
        ",".join(REQUIRED_ONLY) + "\n2567/009,REG1,report,bribery,phone,15/11/2567\n",
        encoding="utf-8",
    )
    call_command("import_register", str(path))
    row = HistoricalCase.objects.get()
    assert row.received_date == date(2024, 11, 15) and row.channel == "phone"
    assert row.is_anonymous and not row.is_retaliation  # the defaults of an empty cell
    assert row.closed_date is None and row.finding == "" and row.amount_recovered == 0


def test_an_xlsx_with_only_the_required_columns_imports(setup, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(REQUIRED_ONLY)
    sheet.append(["2567/010", "REG1", "question", "law", "walk_in", date(2024, 12, 1)])
    path = tmp_path / "minimal.xlsx"
    workbook.save(path)
    call_command("import_register", str(path))
    row = HistoricalCase.objects.get()
    assert row.kind == "question" and row.received_date == date(2024, 12, 1)


@pytest.mark.parametrize("column", REQUIRED_ONLY)
def test_each_required_column_is_still_required(setup, tmp_path, column):
    path = tmp_path / "short.csv"
    header = [name for name in REQUIRED_ONLY if name != column]
    values = {"external_ref": "A", "org_code": "REG1", "kind": "report", "category": "bribery",
              "channel": "phone", "received_date": "2024-11-15"}  # fmt: skip
    path.write_text(",".join(header) + "\n" + ",".join(values[c] for c in header) + "\n")
    with pytest.raises(RegisterInvalid) as invalid:
        register_import(path=path)
    assert [(e.row, e.column) for e in invalid.value.errors] == [(1, column)]
