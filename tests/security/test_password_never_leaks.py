"""The reinstall password, where a crash or a chatty gateway could show it."""

import json

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from cpsadmin.cps.client import CpsApiError, CpsClient, ReinstallSpec
from cpsadmin.reinstalls.models import ReinstallRequest
from tests.reinstalls.conftest import REGION, SECRET, WEB_04

URL = reverse("reinstalls:reinstall", args=[REGION, WEB_04])
# Every special character the CPS rule allows, the JSON-escaped ones included.
QUOTED = "Ab1\"q'x<y>&z"


@pytest.fixture
def debug_browser(settings, requester):
    """DEBUG on, and a client that gets Django's technical 500 page."""
    settings.DEBUG = True
    browser = Client(raise_request_exception=False)
    browser.force_login(requester)
    return browser


def test_debug_error_page_of_a_crashed_submission_hides_the_password(
    debug_browser, reinstall_data, monkeypatch
):
    def crash(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ReinstallRequest, "save", crash)

    response = debug_browser.post(URL, reinstall_data())

    assert response.status_code == 500
    assert "the database went away" in response.text
    assert SECRET not in response.text


def test_debug_error_page_of_a_bad_password_key_hides_the_password(
    debug_browser, reinstall_data, settings
):
    settings.REINSTALL_PASSWORD_KEY = "not-a-fernet-key"

    response = debug_browser.post(URL, reinstall_data())

    assert response.status_code == 500
    assert "REINSTALL_PASSWORD_KEY" in response.text
    assert SECRET not in response.text


@pytest.mark.parametrize(
    "message",
    [
        f"Invalid password {QUOTED}",
        # A gateway quoting the body it refused: JSON inside the JSON message.
        "Bad body " + json.dumps({"instanceSpec": {"password": QUOTED}}),
    ],
    ids=["raw", "json-escaped"],
)
def test_a_password_echoed_by_cps_in_any_quoting_is_removed(message):
    error = {"code": 400, "status": "INVALID_ARGUMENT", "message": message}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(400, json={"requestId": "r", "error": error})
    )
    client = CpsClient("https://cps.example", "ak", "sk", transport=transport)
    spec = ReinstallSpec("cn-north-1a", "Standard", "os-1", "r-1", "r-2", True, QUOTED)

    with pytest.raises(CpsApiError) as caught:
        client.reinstall_instance("cn-north-1", "cps-1", spec)

    assert "Ab1" not in str(caught.value)
    assert "***" in caught.value.message
