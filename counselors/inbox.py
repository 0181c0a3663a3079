"""The staff inbox: which cases a person sees, filtered in SQL on plaintext metadata, with
titles decrypted only for the page shown and only where the person holds a wrap."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases import crypto
from cases.deadlines import next_deadline
from cases.models import Case, CaseExclusion, CaseKeyWrap, State, WrapPurpose
from cases.services import wrap_info
from counselors.models import Role, User

PAGE_SIZE = 50
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


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Supervisors: their organisation's cases. Counselors: theirs and the unassigned ones.
    Never a case that names the person. Everyone else: nothing."""
    if user.organisation_id is None or not user.is_active:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.SUPERVISOR:
        pass
    elif user.role == Role.COUNSELOR:
        cases = cases.filter(Q(assignee=user) | Q(assignee__isnull=True))
    else:
        return Case.objects.none()
    # A person is named in few cases: leaving out that short list is far cheaper than an
    # anti-join on every row counted and paged.
    excluded = list(CaseExclusion.objects.filter(user=user).values_list("case_id", flat=True))
    return cases.exclude(pk__in=excluded) if excluded else cases


def _open_deadline_before(day: date) -> Q:
    """Some deadline not met yet falls before `day` (each due_* is null where it does not
    apply, so one test per deadline covers both kinds)."""
    return (
        Q(acknowledged_at__isnull=True, due_acknowledge__lt=day)
        | Q(feedback_at__isnull=True, due_feedback__lt=day)
        | Q(answered_at__isnull=True, due_answer__lt=day)
    )


def inbox_queryset(user: User, filters: InboxFilters, today: date | None = None) -> QuerySet[Case]:
    today = today or timezone.localdate()
    cases = cases_visible_to(user)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.category:
        cases = cases.filter(category_id=filters.category)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.scope == Scope.MINE:
        cases = cases.filter(assignee=user)
    elif filters.scope == Scope.UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    if filters.deadline:
        cases = cases.exclude(state=State.CLOSED).filter(purged_at__isnull=True)
        if filters.deadline == Deadline.OVERDUE:
            cases = cases.filter(_open_deadline_before(today))
        elif filters.deadline == Deadline.SOON:
            soon = today + timedelta(days=DUE_SOON_DAYS + 1)
            cases = cases.filter(_open_deadline_before(soon)).exclude(_open_deadline_before(today))
    return cases.select_related("category", "assignee").only(*_COLUMNS).order_by("-created", "-pk")


def _titles(cases: list[Case], user: User, private: bytes | None) -> dict[int, str]:
    if private is None or not cases:
        return {}
    wraps = dict(
        CaseKeyWrap.objects.filter(
            case_id__in=[c.pk for c in cases], purpose=WrapPurpose.CASE, user=user
        ).values_list("case_id", "wrapped")
    )
    titles = {}
    for case in cases:
        wrapped = wraps.get(case.pk)
        if wrapped is None or case.purged_at is not None:
            continue
        try:
            key = crypto.key_unwrap(private, bytes(wrapped), info=wrap_info(case, "case"))
            titles[case.pk] = crypto.text_decrypt(
                key, bytes(case.title_ct), case_id=str(case.uid), field="case.title"
            )
        except crypto.CryptoError:
            continue  # a wrap to an older key pair: shown as unreadable
    return titles


def inbox_page(
    *,
    user: User,
    private: bytes | None,
    filters: InboxFilters,
    page_number: str | int | None = 1,
    today: date | None = None,
) -> tuple[Page[Case], list[InboxRow]]:
    today = today or timezone.localdate()
    paginator = Paginator(inbox_queryset(user, filters, today), PAGE_SIZE)
    page = paginator.get_page(page_number)
    cases = list(page.object_list)
    titles = _titles(cases, user, private)
    rows = []
    for case in cases:
        due = next_deadline(case)
        rows.append(
            InboxRow(
                case=case,
                title=titles.get(case.pk, NO_TITLE),
                deadline=due[1] if due else None,
                overdue=bool(due and due[1] < today),
                readable=case.pk in titles,
            )
        )
    return page, rows
