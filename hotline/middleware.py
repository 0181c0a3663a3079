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


def null_origin_by_fetch_metadata(get_response: Handler) -> Handler:
    """Lets Django's CSRF check (next in MIDDLEWARE) accept forms from pages sent with
    `Referrer-Policy: no-referrer`.

    Under that policy a browser posts a form with `Origin: null` (and no Referer), which the
    origin check refuses. The browser's own Sec-Fetch-Site header, which no page can set,
    says whether the post came from this very origin: then the origin is ours, and is
    written so. Only then: when the header is missing (a browser too old to send it) or names
    anywhere else, `null` stays and the post is refused. The token alone would not do, since
    a sibling subdomain can toss its own csrftoken cookie, and rewriting the origin would also
    skip the Referer check Django makes on HTTPS.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
        if request.META.get("HTTP_ORIGIN") == "null" and fetch_site == "same-origin":
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return get_response(request)

    return middleware
