"""What the workspace views share: who is asking, the gate of each page, and opening a case
they may read. The refusals follow the one rule in cases/policy.py: 403 for a page the role
never has, 404 for a record out of reach, 403 with the reason for a record in reach that is
not theirs to open."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import Case
from cases.policy import must_declare
from cases.staff_selectors import case_for_staff, case_key_readable
from core.models import User
from counselors.keysession import private_key_from_request


def staff_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the staff gate lets no one else through
    return request.user


def no_access(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "counselors/no_access.html", {"message": message}, status=status)


@dataclass(frozen=True)
class OpenCase:
    user: User
    case: Case
    key: bytes
    private: bytes


def case_open(
    request: HttpRequest, case_id: int, *, declared: bool = True
) -> OpenCase | HttpResponse:
    """The case and its key for this person, or the response that refuses them: 404 outside
    their reach, 403 without a key that opens it, and for a counselor who has not declared
    that they have no conflict of interest, the declaration page."""
    user = staff_of(request)
    case = case_for_staff(user, case_id)
    if case is None:
        raise Http404
    private = private_key_from_request(request)
    if private is None:
        return no_access(request, _("Your key is not unlocked. Sign out and sign in again."))
    key = case_key_readable(case=case, user=user, private=private)
    if key is None:
        return no_access(request, _("You do not hold a key to this case."))
    if declared and must_declare(user, case):
        return redirect("counselors:case_declare", case_id=case.pk)
    return OpenCase(user=user, case=case, key=key, private=private)
