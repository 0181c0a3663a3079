"""The public ethics FAQ: a counselor writes an anonymised entry from an answered question,
a supervisor publishes it. The entry must be new text, never the reporter's own words."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_record
from cases.models import AuthorSide, Case, FaqEntry, FaqStatus
from cases.policy import may_draft_faq, may_handle_cases, may_publish_faq
from cases.selectors import case_content, case_messages
from core.models import User

# A run this long shared with what the reporter wrote counts as copying.
COPY_RUN = 30


class FaqRefused(Exception):
    """Not allowed; the message says why, for the page."""


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def copied_run(draft: str, original: str, run: int = COPY_RUN) -> bool:
    """Whether the draft holds any `run`-character stretch of the original (spacing and case
    ignored)."""
    draft, original = _normalised(draft), _normalised(original)
    if len(original) < run or len(draft) < run:
        return False
    pieces = {draft[i : i + run] for i in range(len(draft) - run + 1)}
    return any(original[i : i + run] in pieces for i in range(len(original) - run + 1))


def reporter_words(*, case: Case, key: bytes) -> str:
    """Everything the reporter wrote on the case, to compare a draft against."""
    content = case_content(case=case, key=key)
    texts = [content.title, *content.body.values()]
    texts += [
        m.body
        for m in case_messages(case=case, key=key, include_internal=False)
        if m.message.author_side == AuthorSide.REPORTER
    ]
    return "\n".join(texts)


def faq_draft_create(
    *,
    case: Case,
    key: bytes,
    user: User,
    question_th: str = "",
    answer_th: str = "",
    question_en: str = "",
    answer_en: str = "",
) -> FaqEntry:
    if not may_handle_cases(user):
        raise FaqRefused(_("Only counselors and supervisors write FAQ entries."))
    if not may_draft_faq(user, case):
        raise FaqRefused(_("Only an answered question can become an FAQ entry."))
    pairs = [(question_th, answer_th), (question_en, answer_en)]
    if not any(q.strip() and a.strip() for q, a in pairs):
        raise FaqRefused(_("Write a question and its answer in Thai, in English, or in both."))
    original = reporter_words(case=case, key=key)
    draft = "\n".join([question_th, answer_th, question_en, answer_en])
    if copied_run(draft, original):
        raise FaqRefused(
            _(
                "The entry repeats the reporter's own words. Write the question anew, "
                "in general terms, so no one can recognise who asked."
            )
        )
    with transaction.atomic():
        entry = FaqEntry.objects.create(
            organisation=case.organisation,
            source_case=case,
            question_th=question_th.strip(),
            answer_th=answer_th.strip(),
            question_en=question_en.strip(),
            answer_en=answer_en.strip(),
            drafted_by=user,
        )
        event_record(
            action=Action.FAQ_DRAFTED,
            actor=user,
            organisation=case.organisation,
            target=entry,
            details={"case": case.pk},
        )
    return entry


def _entry_for_supervisor(entry_id: int, supervisor: User) -> FaqEntry:
    entry = FaqEntry.objects.select_for_update().get(pk=entry_id)
    if not may_publish_faq(supervisor, entry):
        raise FaqRefused(_("Only a supervisor of the organisation can publish or withdraw."))
    return entry


def faq_publish(*, entry_id: int, supervisor: User) -> FaqEntry:
    with transaction.atomic():
        entry = _entry_for_supervisor(entry_id, supervisor)
        if entry.status == FaqStatus.PUBLISHED:
            return entry
        if entry.status == FaqStatus.WITHDRAWN:
            raise FaqRefused(_("A withdrawn entry stays withdrawn: draft a new one instead."))
        entry.status = FaqStatus.PUBLISHED
        entry.published_by = supervisor
        entry.published_at = timezone.now()
        entry.save(update_fields=["status", "published_by", "published_at"])
        event_record(
            action=Action.FAQ_PUBLISHED,
            actor=supervisor,
            organisation=entry.organisation,
            target=entry,
            details={"case": entry.source_case_id},
        )
    return entry


def faq_withdraw(*, entry_id: int, supervisor: User) -> FaqEntry:
    """Turn down a draft, or take a published entry off the public FAQ (say, because it turns
    out someone could be recognised from it). The text stays for the record, never public."""
    with transaction.atomic():
        entry = _entry_for_supervisor(entry_id, supervisor)
        if entry.status == FaqStatus.WITHDRAWN:
            return entry
        was = entry.status
        entry.status = FaqStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        event_record(
            action=Action.FAQ_WITHDRAWN,
            actor=supervisor,
            organisation=entry.organisation,
            target=entry,
            details={"case": entry.source_case_id, "was": was},
        )
    return entry
