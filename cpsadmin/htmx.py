"""htmx in one place: the fragment-or-page decision, and sign-in redirects."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as views see it after HtmxMiddleware: lets type checkers see .htmx."""

    htmx: HtmxDetails


def is_partial(request: HttpRequest) -> bool:
    """True for htmx requests that want a fragment.

    Boosted requests and history restores (a page missing from htmx's history
    cache, fetched again) want the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """After a save: a 302 for the browser, an HX-Redirect for htmx."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


class LoginRedirectMiddleware:
    """Send an htmx request whose session has ended to the sign-in page.

    The browser would follow a plain 302 inside the XHR, and htmx would then
    swap the whole sign-in page into a fragment (a polled status block, say).
    HX-Redirect makes it a full-page visit instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        if response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
            return HttpResponseClientRedirect(response["Location"])
        return response
