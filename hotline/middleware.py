from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponse]


def privacy_headers(get_response: Handler) -> Handler:
    """Headers Django has no setting for, on every page the application renders.

    Static files are answered by WhiteNoise before this runs, so they stay cacheable; every
    rendered page may hold a case or a staff workspace and must never be stored by a browser
    or a proxy on a shared computer.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        add_never_cache_headers(response)
        response.headers["Cache-Control"] = "no-store, max-age=0"
        return response

    return middleware
