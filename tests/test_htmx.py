import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from cpsadmin.htmx import is_partial

pytestmark = pytest.mark.django_db


def htmx_request(**headers):
    request = RequestFactory().get("/", headers=headers)
    request.htmx = HtmxDetails(request)
    return request


def test_a_plain_htmx_request_wants_a_fragment():
    assert is_partial(htmx_request(HX_Request="true"))


def test_boosted_requests_and_history_restores_want_the_whole_page():
    assert not is_partial(htmx_request(HX_Request="true", HX_Boosted="true"))
    assert not is_partial(
        htmx_request(HX_Request="true", HX_History_Restore_Request="true")
    )


def test_a_request_without_htmx_wants_the_whole_page():
    assert not is_partial(htmx_request())


def test_an_htmx_poll_after_the_session_ended_redirects_the_whole_page(client):
    response = client.get(
        reverse("reinstalls:progress", args=[1]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_a_browser_without_htmx_still_gets_the_plain_redirect(client):
    response = client.get(reverse("reinstalls:progress", args=[1]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
