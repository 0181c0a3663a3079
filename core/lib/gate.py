"""A staff page's gate: a predicate of the person alone (cases/policy.py), asked before any
record is looked up, so that its refusal, a 403, tells nothing of records (the refusal rule
in cases/policy.py's docstring, docs/architecture.md §3)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def page_for(may: Callable[[Any], bool]) -> Callable[[View], View]:
    """Let through only those `may` says yes to; everyone else gets the 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
