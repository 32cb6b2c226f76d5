"""The one place that decides between an htmx fragment and a full page."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def is_partial(request: HttpRequest) -> bool:
    """True for htmx requests that want a fragment.

    Boosted requests and history restores (a page missing from htmx's history
    cache, fetched again) want the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response
