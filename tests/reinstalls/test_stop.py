"""Stopping a running server from the dashboard, with a confirmation step."""

import re

import pytest
from django.urls import reverse

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import Action, AuditEvent, Outcome
from tests.conftest import make_user
from tests.reinstalls.conftest import REGION, WEB_01, WEB_04

URL = reverse("reinstalls:stop", args=[REGION, WEB_01])
DB_01 = "cps-h5dnsipzz5fk2z9r"  # running


@pytest.fixture
def as_requester(signed_in, requester):
    return signed_in(requester)


def token_in(response) -> str:
    return re.search(r'name="client_token" value="([^"]+)"', response.text)[1]


def test_get_asks_for_confirmation_and_stops_nothing(as_requester, cps_simulator):
    response = as_requester.get(URL)

    assert response.status_code == 200
    assert "Stop web-01?" in response.text
    assert 'name="client_token"' in response.text
    assert cps_simulator.executions("stopInstance") == 0


def test_confirmed_stop_stops_the_server_once(as_requester, cps_simulator):
    response = as_requester.post(URL, {"client_token": token_in(as_requester.get(URL))})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reinstalls:servers')}?region={REGION}"
    assert cps_simulator.executions("stopInstance", WEB_01) == 1
    assert cps_simulator.instance(WEB_01)["status"] == "stopping"


def test_confirmed_stop_is_recorded_with_the_jd_request_id(as_requester, requester):
    as_requester.post(URL, {"client_token": token_in(as_requester.get(URL))})

    event = AuditEvent.objects.get(action=Action.STOP_REQUESTED)
    assert event.actor == requester
    assert event.outcome == Outcome.SUCCESS
    assert event.instance_id == WEB_01
    assert event.region == REGION
    assert event.jd_request_id


def test_confirmation_sent_twice_stops_the_server_once(as_requester, cps_simulator):
    token = token_in(as_requester.get(URL))

    as_requester.post(URL, {"client_token": token})
    cps_simulator.set_status(WEB_01, "running")  # as if the first had not landed
    as_requester.post(URL, {"client_token": token})

    assert cps_simulator.executions("stopInstance", WEB_01) == 1


def test_htmx_stop_gets_a_client_redirect(as_requester):
    response = as_requester.post(
        URL,
        {"client_token": token_in(as_requester.get(URL))},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].endswith(f"?region={REGION}")


def test_stopped_server_cannot_be_stopped(as_requester, cps_simulator):
    url = reverse("reinstalls:stop", args=[REGION, WEB_04])

    page = as_requester.get(url)
    posted = as_requester.post(url, {"client_token": "x"})

    assert "Only a running server can be stopped; this one is stopped." in page.text
    assert 'name="client_token"' not in page.text
    assert posted.status_code == 200
    assert cps_simulator.executions("stopInstance") == 0


def test_cps_error_is_shown_and_recorded_as_a_failure(as_requester, cps_simulator):
    token = token_in(as_requester.get(URL))
    cps_simulator.inject_fault("status", status=503, action="stopInstance")

    response = as_requester.post(URL, {"client_token": token})

    assert response.status_code == 200
    assert "CPS did not stop the server." in response.text
    assert "503 UNAVAILABLE" in response.text
    request_id = response.context["cps_problem"].request_id
    assert request_id in response.text
    event = AuditEvent.objects.get(action=Action.STOP_REQUESTED)
    assert event.outcome == Outcome.FAILURE
    assert event.jd_request_id == request_id


def test_outsider_gets_403_for_stop(signed_in, outsider, cps_simulator):
    client = signed_in(outsider)

    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert cps_simulator.executions("stopInstance") == 0


def test_requester_scoped_to_web_servers_gets_404_for_a_db_server(
    signed_in, db, cps_simulator
):
    web_only = signed_in(make_user("walter", Role.REQUESTER, scope="web-*"))
    url = reverse("reinstalls:stop", args=[REGION, DB_01])

    assert web_only.get(url).status_code == 404
    assert web_only.post(url).status_code == 404
    assert cps_simulator.executions("stopInstance") == 0


def test_unknown_server_gets_404_for_stop(as_requester):
    url = reverse("reinstalls:stop", args=[REGION, "cps-doesnotexist0000"])

    assert as_requester.get(url).status_code == 404


def test_the_stop_service_refuses_a_server_outside_the_requesters_scope(
    db, cps_simulator
):
    from cpsadmin.cps.client import get_client
    from cpsadmin.reinstalls import services

    web_only = make_user("erin", "requester", scope="web-*")
    servers = get_client().iter_instances(REGION)
    db_01 = next(server for server in servers if server.name == "db-01")

    with pytest.raises(services.WorkflowError):
        services.stop_server(web_only, db_01, "5d6a1c1e-0000-4000-8000-000000000001")

    assert cps_simulator.executions("stopInstance") == 0
