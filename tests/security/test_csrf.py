"""Every state-changing URL refuses a POST without the CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.reinstalls.conftest import REGION, WEB_01, WEB_04


def _posts(pk: int) -> list[str]:
    return [
        reverse("reinstalls:reinstall", args=[REGION, WEB_04]),
        reverse("reinstalls:stop", args=[REGION, WEB_01]),
        reverse("reinstalls:refresh_catalogue"),
        reverse("reinstalls:decide_many"),
        reverse("reinstalls:approve", args=[pk]),
        reverse("reinstalls:reject", args=[pk]),
        reverse("reinstalls:cancel", args=[pk]),
        reverse("audit:verify"),
        reverse("accounts:logout"),
        reverse("set_language"),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_no_post_is_accepted_without_the_csrf_token(
    superuser, requester, make_request, cps_simulator, htmx
):
    req = make_request(requester)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(superuser)
    headers = {"HX-Request": "true"} if htmx else {}

    for url in _posts(req.pk):
        response = browser.post(
            url,
            {"region": REGION, "ids": [req.pk], "decision": "approve", "comment": "x"},
            headers=headers,
        )
        assert response.status_code == 403, url

    req.refresh_from_db()
    assert req.status == "pending_approval"
    assert cps_simulator.executions("stopInstance") == 0
