"""Injected faults, and whether each acts before or after the call executes."""

import httpx
import pytest

from cpsadmin.simulator.engine import ConnectionDropped, Simulator
from tests.simulator.conftest import RUNNING, error_of


def test_a_status_fault_answers_before_executing(api, simulator):
    simulator.inject_fault("status", status=503, count=1)

    response = api.stop(RUNNING, token="tok-1")

    assert response.status_code == 503
    assert error_of(response)["status"] == "UNAVAILABLE"
    assert response.headers["x-jdcloud-request-id"] == response.json()["requestId"]
    assert simulator.executions("stopInstance") == 0
    assert api.instance(RUNNING)["status"] == "running"


def test_a_retry_after_a_status_fault_executes_with_the_same_token(api, simulator):
    simulator.inject_fault("status", count=1)
    api.stop(RUNNING, token="tok-1")

    retry = api.stop(RUNNING, token="tok-1")

    assert retry.status_code == 200
    assert simulator.executions("stopInstance") == 1


def test_a_counted_fault_fires_that_many_times_then_goes(api, simulator):
    simulator.inject_fault("status", status=500, count=2)

    codes = [api.get("/v1/regions").status_code for _ in range(3)]

    assert codes == [500, 500, 200]
    assert simulator.faults() == []


def test_a_fault_without_count_or_share_fires_until_cleared(api, simulator):
    simulator.inject_fault("status", status=429)

    assert [api.get("/v1/regions").status_code for _ in range(3)] == [429] * 3
    simulator.clear_faults()
    assert api.get("/v1/regions").status_code == 200


def test_a_fault_for_one_action_leaves_the_others_alone(api, simulator):
    simulator.inject_fault("status", action="stopInstance")

    assert api.get("/v1/regions").status_code == 200
    assert api.stop(RUNNING).status_code == 503


@pytest.mark.parametrize(("share", "expected"), [(1.0, 20), (0.5, 10)])
def test_a_share_fault_fires_on_about_that_share_of_calls(
    api, simulator, share, expected
):
    simulator.inject_fault("status", share=share)

    failures = sum(api.get("/v1/regions").status_code == 503 for _ in range(20))

    assert abs(failures - expected) <= 5


def test_a_malformed_fault_answers_200_with_broken_json(api, simulator):
    simulator.inject_fault("malformed", count=1)

    response = api.stop(RUNNING)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()
    assert simulator.executions("stopInstance") == 0


def test_an_html_fault_answers_a_502_page(api, simulator):
    simulator.inject_fault("html", count=1)

    response = api.get("/v1/regions")

    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text


def test_a_drop_fault_fails_like_a_dropped_connection_before_executing(api, simulator):
    simulator.inject_fault("drop", count=1)

    with pytest.raises(httpx.RemoteProtocolError):
        api.stop(RUNNING, token="tok-1")

    assert simulator.executions("stopInstance") == 0
    assert api.stop(RUNNING, token="tok-1").status_code == 200
    assert simulator.executions("stopInstance") == 1


def test_a_drop_after_fault_executes_then_loses_the_reply(api, simulator):
    simulator.inject_fault("drop_after", count=1, action="stopInstance")

    with pytest.raises(httpx.RemoteProtocolError):
        api.stop(RUNNING, token="tok-1")

    assert simulator.executions("stopInstance") == 1
    assert api.instance(RUNNING)["status"] == "stopping"


def test_a_retry_with_the_token_after_drop_after_keeps_exactly_once(api, simulator):
    simulator.inject_fault("drop_after", count=1, action="stopInstance")
    with pytest.raises(httpx.RemoteProtocolError):
        api.stop(RUNNING, token="tok-1")

    retry = api.stop(RUNNING, token="tok-1")

    assert retry.status_code == 200
    assert retry.json()["result"] == {"success": True}
    assert simulator.executions("stopInstance") == 1


def test_handle_raises_connection_dropped_for_a_drop(simulator):
    simulator.inject_fault("drop")

    with pytest.raises(ConnectionDropped):
        simulator.handle("GET", "/v1/regions", "", {}, b"")


def test_latency_delays_the_reply_after_executing(api, simulator, sleeps):
    simulator.inject_fault("latency", seconds=2.5, count=1)

    response = api.stop(RUNNING)

    assert response.status_code == 200
    assert sleeps == [2.5]


def test_latency_beyond_the_read_timeout_is_a_timeout_but_the_call_ran(
    api, simulator, sleeps
):
    simulator.inject_fault("latency", seconds=30, count=1)

    with pytest.raises(httpx.ReadTimeout):
        api.stop(RUNNING, token="tok-1")

    assert sleeps == [10.0]
    assert simulator.executions("stopInstance") == 1
    assert api.stop(RUNNING, token="tok-1").status_code == 200
    assert simulator.executions("stopInstance") == 1


def test_latency_adds_to_another_fault(api, simulator, sleeps):
    simulator.inject_fault("latency", seconds=1, count=1)
    simulator.inject_fault("status", count=1)

    assert api.get("/v1/regions").status_code == 503
    assert sleeps == [1.0]


def test_faults_are_kept_in_the_state_file(simulator):
    simulator.inject_fault("status", status=500, count=3, action="describeInstances")

    again = Simulator(simulator.db_path)
    (fault,) = again.faults()

    assert (fault.kind, fault.status, fault.remaining, fault.action) == (
        "status",
        500,
        3,
        "describeInstances",
    )
    again.close()


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("meteor", {}),
        ("latency", {}),
        ("latency", {"seconds": -1}),
        ("latency", {"seconds": float("nan")}),
        ("latency", {"seconds": float("inf")}),
        ("status", {"seconds": 2}),
        ("status", {"status": 200}),
        ("drop", {"status": 503}),
        ("status", {"count": 0}),
        ("status", {"share": 1.5}),
        ("status", {"action": "rebootTheWorld"}),
    ],
)
def test_bad_fault_options_are_refused(simulator, kind, options):
    with pytest.raises(ValueError):
        simulator.inject_fault(kind, **options)
