"""Reads for the staff workspace: a case in reach, its key, history, identity requests, FAQ."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from audit.models import Event
from cases.keys import key_open, reason_key_open
from cases.models import (
    Case,
    FaqEntry,
    FaqStatus,
    IdentityRequest,
)
from cases.policy import cases_in_reach, may_decide_identity_requests, may_handle_cases
from core import crypto
from core.crypto import labels
from core.models import User

# ---- the case workspace ----------------------------------------------------------------------


def case_for_staff(user: User, case_id: int) -> Case | None:
    """The case if it is in this person's reach at all (cases.policy.cases_in_reach).
    Whether they may read it is the key's say."""
    return (
        cases_in_reach(user)
        .select_related("organisation", "category", "assignee")
        .filter(pk=case_id)
        .first()
    )


def case_key_readable(*, case: Case, user: User, private: bytes) -> bytes | None:
    """The case's key if this person may read it now: `case` came from case_for_staff (in
    their reach), it is not purged, and they hold a wrap their key opens. The one test of
    reading a case, for the case itself and for any case a page names (a retaliation
    report's earlier case), so a page never names a case its reader could not open."""
    if case.purged_at is not None:
        return None
    return key_open(case=case, user=user, private=private)


def case_history(case: Case, limit: int = 200) -> list[Event]:
    """Audit events whose object is this case, newest first."""
    return list(
        Event.objects.filter(
            organisation_id=case.organisation_id,
            object_type=Case._meta.label_lower,
            object_id=str(case.pk),
        )
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def identity_requests_for_case(*, case: Case, user: User) -> list[IdentityRequest]:
    return list(IdentityRequest.objects.filter(case=case, requester=user))


def identity_requests_for_custodian(user: User) -> list[IdentityRequest]:
    """Requests a custodian can decide: their organisation's, and wrapped to them."""
    if not may_decide_identity_requests(user) or user.organisation_id is None:  # (for mypy)
        return []
    return list(
        IdentityRequest.objects.filter(case__organisation_id=user.organisation_id, wraps__user=user)
        .select_related("case", "requester", "decided_by")
        .order_by("status", "-created")[:200]
    )


def identity_request_reason(*, request: IdentityRequest, user: User, private: bytes) -> str | None:
    """The request's reason, for a custodian or the requester whose key opens it."""
    key = reason_key_open(request=request, user=user, private=private)
    if key is None:
        return None
    try:
        return crypto.text_decrypt(
            key,
            bytes(request.reason_ct),
            case_id=str(request.case.uid),
            field=labels.identity_request_reason(request.uid),
        )
    except crypto.CryptoError:
        return None


# ---- the ethics FAQ --------------------------------------------------------------------------


def faq_entries_published(
    organisation_ids: Iterable[int] | QuerySet[Any],
    *,
    since: datetime | None = None,
    before: datetime | None = None,
) -> int:
    """How many FAQ entries the organisations published, optionally within [since, before)."""
    entries = FaqEntry.objects.filter(
        status=FaqStatus.PUBLISHED, organisation_id__in=organisation_ids
    )
    if since is not None:
        entries = entries.filter(published_at__gte=since)
    if before is not None:
        entries = entries.filter(published_at__lt=before)
    return entries.count()


def faq_search(query: str) -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED)
    query = query.strip()
    if query:
        entries = entries.filter(
            Q(question_th__icontains=query)
            | Q(answer_th__icontains=query)
            | Q(question_en__icontains=query)
            | Q(answer_en__icontains=query)
        )
    return entries.order_by("-published_at", "-pk")


def faq_drafts_for(user: User) -> QuerySet[FaqEntry]:
    if not may_handle_cases(user) or user.organisation_id is None:  # (for mypy)
        return FaqEntry.objects.none()
    return (
        FaqEntry.objects.filter(organisation_id=user.organisation_id)
        .select_related("drafted_by", "published_by", "source_case")
        .order_by("status", "-created")
    )
