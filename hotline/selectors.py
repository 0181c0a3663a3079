"""Reads for the public side: organisations to choose from, and a reporter's own case."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.deadlines import next_deadline
from cases.models import Attachment, Case, Identity, State, Visibility
from cases.routing import powerful_report_target
from cases.selectors import MessageView, attachment_meta, case_content, case_messages
from cases.services import case_readers
from core.lib.dates import local_date
from core.models import Organisation, OrganisationType
from hotline.lib.search import search_terms

SEARCH_LIMIT = 50
# Who a reporter may name as involved, and so keep away from the report.


def organisations_active() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True)


def organisation_search(query: str) -> list[Organisation]:
    """Organisations whose Thai or English name (or code) holds every word typed."""
    terms = search_terms(query)
    if not terms:
        return []
    found = organisations_active()
    for term in terms:
        found = found.filter(
            Q(name_th__icontains=term) | Q(name_en__icontains=term) | Q(code__iexact=term)
        )
    return list(found.select_related("parent").order_by("name_th")[:SEARCH_LIMIT])


def provinces() -> list[Organisation]:
    return list(organisations_active().filter(type=OrganisationType.PROVINCE).order_by("name_th"))


def organisations_below(organisation: Organisation) -> list[Organisation]:
    """For a province its whole subtree (people look for their district's organisations
    there), for anyone else their direct children; in tree order."""
    below = organisations_active().filter(path__startswith=organisation.path)
    if organisation.type != OrganisationType.PROVINCE:
        below = below.filter(parent=organisation)
    return list(below.exclude(pk=organisation.pk).select_related("parent").order_by("path"))


@dataclass(frozen=True)
class Receiving:
    """What the public pages say about an organisation before anything is typed."""

    organisation: Organisation
    can_receive: bool
    # Where a report naming its head or counselors goes (cases.routing): the organisation
    # itself when none is above it, None when those above cannot receive yet.
    powerful_target: Organisation | None

    @property
    def above(self) -> Organisation | None:
        """The nearest organisation above that can receive, to send to instead."""
        target = self.powerful_target
        return target if target is not None and target != self.organisation else None


def organisation_receiving(organisation: Organisation) -> Receiving:
    """Whether a question or report sent to it now could be stored: the rule case_create
    enforces (cases.services.CaseReaders), asked before the reporter types anything."""
    return Receiving(
        organisation=organisation,
        can_receive=case_readers(organisation).anyone,
        powerful_target=powerful_report_target(organisation),
    )


@dataclass(frozen=True)
class AttachmentView:
    name: str
    size: int
    created: datetime


@dataclass(frozen=True)
class ReporterCase:
    """What the reporter sees of their case: nothing staff-only."""

    case: Case
    title: str
    body: dict[str, str]
    messages: list[MessageView]
    attachments: list[AttachmentView]
    identity_disclosed: bool


def reporter_case(*, case: Case, key: bytes) -> ReporterCase:
    content = case_content(case=case, key=key)
    attachments = [
        AttachmentView(
            name=attachment_meta(attachment=a, key=key).get("name", ""),
            size=a.size,
            created=a.created,
        )
        # A file on a staff-only note is the staff's, like the note.
        for a in Attachment.objects.filter(case=case)
        .exclude(message__visibility=Visibility.INTERNAL)
        .order_by("pk")
    ]
    return ReporterCase(
        case=case,
        title=content.title,
        body=content.body,
        messages=case_messages(case=case, key=key, include_internal=False),
        attachments=attachments,
        identity_disclosed=Identity.objects.filter(case=case).exists(),
    )


def reporter_status(case: Case) -> tuple[str, str]:
    """Where the case stands and what comes next, in plain words for the reporter."""
    stands = {
        State.RECEIVED: _("Received. An ethics counselor will pick it up soon."),
        State.ACKNOWLEDGED: _("An ethics counselor has acknowledged it and will assess it."),
        State.ASSESSMENT: _("An ethics counselor is assessing it."),
        State.INVESTIGATING: _("It is being investigated."),
        State.CONCLUDED: _("The inquiry is finished; the action to take is being decided."),
        State.ACTION_RECORDED: _("The inquiry is finished and the action taken is recorded."),
        State.REJECTED: _("It could not be taken up here. The message below says why."),
        State.REFERRED: _("It was referred to another agency. The message below says where."),
        State.IN_PROGRESS: _("An ethics counselor is preparing an answer."),
        State.ANSWERED: _("Answered. Write again below if you need more."),
        State.CLOSED: _("Closed."),
    }
    next_steps = {
        "due_acknowledge": _("You will hear that it was received by %(date)s."),
        "due_feedback": _("You will be told the outcome by %(date)s."),
        "due_answer": _("You will get an answer by %(date)s."),
    }
    deadline = next_deadline(case)
    coming = next_steps[deadline[0]] % {"date": local_date(deadline[1])} if deadline else ""
    return str(stands.get(State(case.state), "")), str(coming)
