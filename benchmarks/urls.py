"""The benchmark's URLconf: cpsadmin's URLs plus one bare view.

The bare view is the "Django itself" baseline: it goes through the same
middleware stack, reads the signed-in user (a session and a user query, as
every cpsadmin page does) and renders a minimal template with the same
template engine and context processors. It exists only in the benchmark
process, where ROOT_URLCONF points here (see environment.py).
"""

from django.contrib.auth.decorators import login_required
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_GET

BARE_URL = "/__bench__/bare/"

MINIMAL = engines["django"].from_string(
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>{{ title }}</title></head>"
    "<body><p>Hello, {{ user.get_username }}.</p></body></html>"
)


@require_GET
@login_required
def bare_page(request):
    from django.http import HttpResponse

    return HttpResponse(MINIMAL.render({"title": "Bare"}, request))


urlpatterns = [
    path(BARE_URL.strip("/") + "/", bare_page, name="bench-bare"),
    path("", include("cpsadmin.urls")),
]
