"""Signature checks: 401 ACCESS_ERROR for anything the gateway would refuse."""

import httpx
import pytest

from cpsadmin.simulator.transport import SimulatorTransport
from tests.simulator.conftest import HOST, RUNNING, Api, error_of


def test_a_request_without_authorization_is_refused(api):
    response = api.client.get(f"http://{HOST}/v1/regions")

    assert response.status_code == 401
    assert error_of(response) == {
        "code": 401,
        "status": "ACCESS_ERROR",
        "message": "lack of header authorization",
    }


def test_a_wrong_secret_key_is_refused(api):
    wrong = Api(api.client, secret_key="not-the-secret")

    response = wrong.get("/v1/regions")

    assert response.status_code == 401
    assert error_of(response)["status"] == "ACCESS_ERROR"
    assert error_of(response)["message"] == "sign result is not same"


def test_an_unknown_access_key_is_refused(api):
    stranger = Api(api.client, access_key="who-is-this")

    response = stranger.get("/v1/regions")

    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid accessKey"


def test_a_refused_action_does_not_execute(api, simulator):
    wrong = Api(api.client, secret_key="not-the-secret")

    wrong.stop(RUNNING)

    assert simulator.executions("stopInstance") == 0


def test_a_body_changed_after_signing_is_refused(simulator):
    def forge(request: httpx.Request):
        # The signed headers of the real request, with a different body.
        forged = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=b'{"clientToken": "other"}',
        )
        return SimulatorTransport(simulator).handle_request(forged)

    with httpx.Client(transport=httpx.MockTransport(forge)) as client:
        response = Api(client).stop(RUNNING, token="tok-1")

    assert response.status_code == 401
    assert error_of(response)["message"] == "sign result is not same"


def test_the_jdcloud3_variant_is_accepted(api):
    response = api.request("GET", "/v1/regions", algorithm="JDCLOUD3")

    assert response.status_code == 200


@pytest.mark.parametrize("colon", [":", "%3A"])
def test_an_action_path_is_accepted_with_a_literal_or_encoded_colon(api, colon):
    path = f"/v1/regions/cn-north-1/instances/{RUNNING}{colon}stopInstance"

    response = api.request("PUT", path, body={})

    assert response.status_code == 200
    assert response.request.url.raw_path.endswith(f"{colon}stopInstance".encode())
    assert api.instance(RUNNING)["status"] == "stopping"
