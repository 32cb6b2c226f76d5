"""The one place that decides between an htmx fragment and a full page."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def is_partial(request: HttpRequest) -> bool:
    """True for htmx requests that want a fragment (boosted ones want pages)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response
