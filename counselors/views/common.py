"""What the workspace views share: who is asking, and opening a case they may read."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import Case
from cases.staff_selectors import case_for_staff, case_key_readable, conflict_declared
from core.models import Role, User
from counselors.keysession import private_key_from_request

View = Callable[..., HttpResponseBase]


def staff_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the staff gate lets no one else through
    return request.user


def roles_only(*roles: Role) -> Callable[[View], View]:
    """Everyone else gets a 404: the page does not exist for them."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not isinstance(user, User) or user.role not in roles or not user.is_active:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


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
    if declared and user.role == Role.COUNSELOR and not conflict_declared(case=case, user=user):
        return redirect("counselors:case_declare", case_id=case.pk)
    return OpenCase(user=user, case=case, key=key, private=private)
