"""The staff inbox: which cases a person sees, filtered in SQL on plaintext metadata, with
titles decrypted only for the page shown and only where the person holds a wrap."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.deadlines import is_overdue, next_deadline, unmet_deadline_before
from cases.keys import key_open_many
from cases.models import (
    AuthorSide,
    Case,
    CaseRead,
    Message,
)
from cases.policy import cases_listed_to
from core import crypto
from core.crypto import labels
from core.models import User

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
DUE_SOON_DAYS = 7
NO_TITLE = "—"

# What the inbox needs of a case; the body and the receipt's seal stay in the database.
_COLUMNS = (
    "pk",
    "uid",
    "kind",
    "organisation_id",
    "category",
    "channel",
    "created",
    "state",
    "assignee",
    "title_ct",
    "due_acknowledge",
    "due_feedback",
    "due_answer",
    "acknowledged_at",
    "feedback_at",
    "answered_at",
    "purged_at",
    "is_retaliation",
)


class Deadline:
    OVERDUE = "overdue"
    SOON = "soon"


class Scope:
    MINE = "mine"
    UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class InboxFilters:
    state: str = ""
    kind: str = ""
    category: int | None = None
    channel: str = ""
    deadline: str = ""
    scope: str = ""


@dataclass(frozen=True)
class InboxRow:
    case: Case
    title: str
    deadline: date | None
    overdue: bool
    readable: bool
    new: bool = False  # the reporter wrote since this person last opened the case


def inbox_queryset(user: User, filters: InboxFilters, today: date | None = None) -> QuerySet[Case]:
    return _filtered(cases_listed_to(user), user, filters, today or timezone.localdate())


def _filtered(
    cases: QuerySet[Case], user: User, filters: InboxFilters, today: date
) -> QuerySet[Case]:
    fields = {
        "state": filters.state,
        "kind": filters.kind,
        "category_id": filters.category,
        "channel": filters.channel,
    }
    cases = cases.filter(**{name: value for name, value in fields.items() if value})
    if filters.scope == Scope.MINE:
        cases = cases.filter(assignee=user)
    elif filters.scope == Scope.UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    if filters.deadline == Deadline.OVERDUE:
        cases = cases.filter(unmet_deadline_before(today))
    elif filters.deadline == Deadline.SOON:
        soon = today + timedelta(days=DUE_SOON_DAYS + 1)
        cases = cases.filter(unmet_deadline_before(soon)).exclude(unmet_deadline_before(today))
    return cases.select_related("category", "assignee").only(*_COLUMNS).order_by("-created", "-pk")


def _with_news(cases: QuerySet[Case], user: User) -> QuerySet[Case]:
    """Each case marked with whether the reporter wrote after this person last opened it,
    in the page's own query (no query more per page)."""
    seen = CaseRead.objects.filter(case=OuterRef(OuterRef("pk")), user=user).values(
        "seen_message_id"
    )[:1]
    news = Message.objects.filter(
        case=OuterRef("pk"),
        author_side=AuthorSide.REPORTER,
        pk__gt=Coalesce(Subquery(seen), Value(0)),
    )
    return cases.annotate(reporter_news=Exists(news))


def _titles(cases: list[Case], user: User, private: bytes | None) -> dict[int, str]:
    if private is None:
        return {}
    readable = [case for case in cases if case.purged_at is None]
    keys = key_open_many(cases=readable, user=user, private=private)
    titles = {}
    for case in readable:
        key = keys.get(case.pk)
        if key is None:
            continue  # no wrap, or one to an older key pair: shown as unreadable
        try:
            titles[case.pk] = crypto.text_decrypt(
                key, bytes(case.title_ct), case_id=str(case.uid), field=labels.CASE_TITLE
            )
        except crypto.CryptoError:
            continue
    return titles


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the cases older than `pk` (after) or newer than it (before).

    Keyset paging costs the same on the thousandth page as on the first, where an OFFSET reads
    and throws away every row before the page."""

    pk: int
    older: bool = True

    @classmethod
    def from_query(cls, after: str | None, before: str | None) -> "Cursor | None":
        for value, older in ((after, True), (before, False)):
            # isascii: str.isdigit also accepts "²", which int() refuses.
            if value and value.isascii() and value.isdigit() and len(value) < 19:
                return cls(pk=int(value), older=older)
        return None


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int  # at most COUNT_LIMIT: past it the inbox says "more than"
    newer: int | None  # the pk to page back from, if there are newer cases
    older: int | None  # the pk to page on from, if there are older cases

    @property
    def total_is_exact(self) -> bool:
        return self.total <= COUNT_LIMIT


def _page_cases(
    cases: QuerySet[Case], cursor: Cursor | None, anchor: datetime | None
) -> tuple[list[Case], bool, bool]:
    """A page of cases newest first, and whether newer and older cases lie beyond it.
    `anchor` is when the cursor's case was received."""
    if cursor is not None and anchor is not None:
        # The first, redundant bound lets the index on (organisation, created, id) start at
        # the cursor; the second breaks the ties of cases received in the same coarse hour.
        if cursor.older:
            beyond = Q(created__lte=anchor) & (Q(created__lt=anchor) | Q(pk__lt=cursor.pk))
            found = list(cases.filter(beyond)[: PAGE_SIZE + 1])
            return found[:PAGE_SIZE], True, len(found) > PAGE_SIZE
        beyond = Q(created__gte=anchor) & (Q(created__gt=anchor) | Q(pk__gt=cursor.pk))
        found = list(cases.filter(beyond).order_by("created", "pk")[: PAGE_SIZE + 1])
        if len(found) > PAGE_SIZE:
            return found[:PAGE_SIZE][::-1], True, True
        # Back at the top: show a full first page rather than the few cases left over.
    found = list(cases[: PAGE_SIZE + 1])
    return found[:PAGE_SIZE], False, len(found) > PAGE_SIZE


def inbox_page(
    *,
    user: User,
    private: bytes | None,
    filters: InboxFilters,
    cursor: Cursor | None = None,
    today: date | None = None,
) -> InboxPage:
    today = today or timezone.localdate()
    visible = cases_listed_to(user)
    cases_shown = _filtered(visible, user, filters, today)
    anchor = None
    if cursor is not None:  # any case the person sees, even one the filters now leave out
        anchor = visible.filter(pk=cursor.pk).values_list("created", flat=True).first()
    cases, has_newer, has_older = _page_cases(_with_news(cases_shown, user), cursor, anchor)
    # Counting stops past the limit: an exact count of 100,000 rows costs more than the page.
    total = cases_shown.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    titles = _titles(cases, user, private)
    rows = []
    for case in cases:
        due = next_deadline(case)
        rows.append(
            InboxRow(
                case=case,
                title=titles.get(case.pk, NO_TITLE),
                deadline=due[1] if due else None,
                overdue=is_overdue(case, today),
                readable=case.pk in titles,
                new=case.pk in titles and bool(getattr(case, "reporter_news", False)),
            )
        )
    return InboxPage(
        rows=rows,
        total=total,
        newer=cases[0].pk if cases and has_newer else None,
        older=cases[-1].pk if cases and has_older else None,
    )
