"""Importing historical case registers (CSV or XLSX, metadata only) as HistoricalCase rows.

Every row is checked first; errors name the row (as a spreadsheet numbers it, the header being
row 1) and the column. Nothing is written unless every row is right, and a row already imported
(same organisation and external_ref) is updated in place, so importing a file twice changes
nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import event_record
from cases.models import CaseKind, Category, Channel, ReferralTarget
from cases.workflow import subject_pseudonym
from core.lib.dates import BUDDHIST_ERA_OFFSET
from core.models import Organisation
from indicators.models import HistoricalCase, HistoricalFinding

# A file must have the required columns; any optional one may be left out, which reads as
# empty cells in every row (a register that never recorded findings has no such column).
REQUIRED_COLUMNS = ("external_ref", "org_code", "kind", "category", "channel", "received_date")
OPTIONAL_COLUMNS = (
    "acknowledged_date", "closed_date", "finding", "anonymous", "retaliation", "referred_to",
    "subject_key", "amount_recovered", "incident_date",
)  # fmt: skip
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
REQUIRED = ("external_ref", "org_code", "category")  # the others are checked by kind
TRUE = {"1", "true", "yes", "y", "ใช่", "จริง"}
FALSE = {"", "0", "false", "no", "n", "ไม่", "ไม่ใช่", "เท็จ"}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RegisterInvalid(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def register_read(path: Path) -> list[dict[str, Any]]:
    """The file's rows as dicts keyed by lower-case column name."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        text = path.read_bytes().decode("utf-8-sig")
        rows = [list(row) for row in csv.reader(io.StringIO(text))]
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        return []
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def parse_date(value: Any) -> date:
    """ISO (2025-10-01) or Thai day/month/Buddhist year (01/10/2568); spreadsheet dates as is."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        if year < 2400:
            raise ValueError("the year must be in the Buddhist Era (e.g. 2568)")
        return date(year - BUDDHIST_ERA_OFFSET, month, day)
    return date.fromisoformat(text)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _Row:
    """Checks one row, collecting an error per bad column."""

    def __init__(self, number: int, raw: dict[str, Any], errors: list[RowError]) -> None:
        self.number, self.raw, self.errors = number, raw, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def choice(self, column: str, allowed: list[str], required: bool = False) -> str:
        value = _text(self.raw.get(column)).lower()
        if not value and not required:
            return ""
        if value not in allowed:
            self.error(column, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def day(self, column: str, required: bool = False) -> date | None:
        value = self.raw.get(column)
        if _text(value) == "":
            if required:
                self.error(column, "a date is required")
            return None
        try:
            return parse_date(value)
        except (ValueError, TypeError) as problem:
            self.error(column, f"{_text(value)!r} is not a date (YYYY-MM-DD or DD/MM/BBBB): "
                               f"{problem}")  # fmt: skip
            return None

    def flag(self, column: str, default: bool) -> bool:
        value = _text(self.raw.get(column)).lower()
        if value == "":
            return default
        if value in TRUE:
            return True
        if value not in FALSE:
            self.error(column, f"{value!r} is not yes or no")
        return False


def _check(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    errors: list[RowError] = []
    header = set(rows[0]) if rows else set()
    for column in REQUIRED_COLUMNS:
        if rows and column not in header:
            errors.append(RowError(1, column, "the column is missing"))
    if errors:
        return [], errors
    known = _Known(
        organisations={o.code: o for o in Organisation.objects.all().only("pk", "code", "path")},
        categories={(c.kind, c.code): c for c in Category.objects.all()},
    )
    checked = [_checked_row(_Row(n, raw, errors), known) for n, raw in enumerate(rows, start=2)]
    return checked, errors


@dataclass
class _Known:
    """What rows are checked against, loaded once, and the references seen so far."""

    organisations: dict[str, Organisation]
    categories: dict[tuple[str, str], Category]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)


def _checked_row(row: _Row, known: _Known) -> dict[str, Any]:
    raw = row.raw
    for column in REQUIRED:
        if _text(raw.get(column)) == "":
            row.error(column, "a value is required")
    ref, code = _text(raw.get("external_ref")), _text(raw.get("org_code"))
    if len(ref) > 64:
        row.error("external_ref", "longer than 64 characters")
    organisation = known.organisations.get(code)
    if code and organisation is None:
        row.error("org_code", f"no organisation with code {code!r}")
    if (code, ref) in known.seen and ref:
        row.error("external_ref", f"already used in row {known.seen[(code, ref)]}")
    known.seen[(code, ref)] = row.number
    kind = row.choice("kind", list(CaseKind.values), required=True)
    category_code = _text(raw.get("category"))
    category = known.categories.get((kind, category_code))
    if kind and category_code and category is None:
        row.error("category", f"no {kind} category with code {category_code!r}")
    # Checked in the columns' order, so the errors come out in it.
    channel = row.choice("channel", list(Channel.values), required=True)
    dates = _dates(row)
    finding = row.choice("finding", list(HistoricalFinding.values))
    retaliation = row.flag("retaliation", False)
    if retaliation and kind == CaseKind.QUESTION:
        row.error("retaliation", "only a report can be about retaliation")
    amount = _amount(row)
    subject = _text(raw.get("subject_key"))
    return {
        "organisation": organisation,
        "external_ref": ref,
        "kind": kind,
        "category": category,
        "channel": channel,
        **dates,
        "finding": finding,
        "is_anonymous": row.flag("anonymous", True),
        "is_retaliation": retaliation,
        "referred_to": row.choice("referred_to", list(ReferralTarget.values)),
        "subject_pseudonym": subject_pseudonym(subject) if subject else "",
        "amount_recovered": amount,
    }


def _dates(row: _Row) -> dict[str, Any]:
    received = row.day("received_date", required=True)
    acknowledged, closed = row.day("acknowledged_date"), row.day("closed_date")
    incident = row.day("incident_date")
    for column, value in (("acknowledged_date", acknowledged), ("closed_date", closed)):
        if value and received and value < received:
            row.error(column, "earlier than received_date")
    if incident and received and incident > received:
        row.error("incident_date", "later than received_date")
    return {
        "received_date": received,
        "acknowledged_date": acknowledged,
        "closed_date": closed,
        "incident_date": incident,
    }


def _amount(row: _Row) -> Decimal:
    amount_text = _text(row.raw.get("amount_recovered")).replace(",", "") or "0"
    try:
        amount = Decimal(amount_text)
        if amount < 0 or amount >= Decimal(10) ** 12:
            raise InvalidOperation
    except InvalidOperation:
        row.error("amount_recovered", f"{amount_text!r} is not an amount in baht")
        amount = Decimal(0)
    return amount.quantize(Decimal("0.01"))


FIELDS = (
    "kind", "category_id", "channel", "received_date", "acknowledged_date", "closed_date",
    "incident_date", "finding", "is_anonymous", "is_retaliation", "referred_to",
    "subject_pseudonym", "amount_recovered",
)  # fmt: skip


def register_import(*, path: Path, actor: Any = None, dry_run: bool = False) -> ImportResult:
    """Check every row, then import them all in one transaction, or raise RegisterInvalid."""
    rows = register_read(path)
    if len(rows) > MAX_ROWS:
        raise RegisterInvalid([RowError(1, "", f"more than {MAX_ROWS} rows: split the file")])
    checked, errors = _check(rows)
    if errors:
        raise RegisterInvalid(errors)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            (row.organisation_id, row.external_ref): row
            for row in HistoricalCase.objects.filter(
                external_ref__in=[r["external_ref"] for r in checked]
            ).select_for_update()
        }
        new, changed = [], []
        for values in checked:
            organisation = values.pop("organisation")
            values["category_id"] = values.pop("category").pk
            current = existing.get((organisation.pk, values["external_ref"]))
            if current is None:
                new.append(HistoricalCase(organisation=organisation, **values))
            elif any(getattr(current, name) != values[name] for name in FIELDS):
                for name in FIELDS:
                    setattr(current, name, values[name])
                changed.append(current)
            else:
                result.unchanged += 1
        result.created, result.updated = len(new), len(changed)
        if dry_run:
            transaction.set_rollback(True)
            return result
        HistoricalCase.objects.bulk_create(new, batch_size=2000)
        HistoricalCase.objects.bulk_update(changed, FIELDS, batch_size=2000)
        if new or changed:
            event_record(
                action=Action.REGISTER_IMPORTED,
                actor=actor,
                details={"file": path.name[:100], "created": len(new), "updated": len(changed)},
            )
    return result
