"""clientToken: the first reply per (action, token) is replayed, never re-run."""

from concurrent.futures import ThreadPoolExecutor

from tests.simulator.conftest import (
    RUNNING,
    RUNNING_2,
    STOPPED,
    STOPPED_2,
    error_of,
    reinstall_spec,
)


def test_a_repeated_token_replays_the_first_reply_and_runs_once(api, simulator):
    first = api.stop(RUNNING, token="tok-1")
    second = api.stop(RUNNING, token="tok-1")

    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert second.headers["x-jdcloud-request-id"] == first.json()["requestId"]
    assert simulator.executions("stopInstance", RUNNING) == 1


def test_a_replay_after_the_transition_still_succeeds(api, simulator):
    api.stop(RUNNING, token="tok-1")
    simulator.advance(5)

    replay = api.stop(RUNNING, token="tok-1")

    assert replay.status_code == 200
    assert simulator.executions("stopInstance") == 1


def test_a_token_reused_for_another_instance_returns_the_first_result(api, simulator):
    first = api.stop(RUNNING, token="tok-1")
    other = api.stop(RUNNING_2, token="tok-1")

    assert other.content == first.content
    assert api.instance(RUNNING_2)["status"] == "running"
    assert simulator.executions("stopInstance", RUNNING_2) == 0


def test_the_same_token_on_another_action_is_independent(api, simulator):
    api.stop(RUNNING, token="tok-1")

    response = api.start(STOPPED, token="tok-1")

    assert response.status_code == 200
    assert simulator.executions("startInstance", STOPPED) == 1


def test_a_refusal_is_replayed_too(api, simulator):
    first = api.start(RUNNING, token="tok-2")
    simulator.set_status(RUNNING, "stopped")

    again = api.start(RUNNING, token="tok-2")

    assert again.status_code == 400
    assert again.content == first.content
    assert simulator.executions("startInstance") == 0


def test_a_reinstall_token_replays_even_with_another_spec(api, simulator):
    first = api.reinstall(STOPPED, reinstall_spec(), token="re-1")
    again = api.reinstall(STOPPED_2, reinstall_spec(az="cn-north-1c"), token="re-1")

    assert again.content == first.content
    assert simulator.executions("reinstallInstance") == 1
    assert simulator.executions("reinstallInstance", STOPPED_2) == 0


def test_calls_without_a_token_each_run(api, simulator):
    api.stop(RUNNING)
    simulator.advance(5)
    api.start(RUNNING)
    simulator.advance(5)
    api.stop(RUNNING)

    assert simulator.executions("stopInstance", RUNNING) == 2


def test_a_token_of_36_characters_is_accepted(api):
    assert api.stop(RUNNING, token="t" * 36).status_code == 200


def test_a_token_over_36_characters_is_invalid_and_not_run(api, simulator):
    response = api.stop(RUNNING, token="t" * 37)

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"
    assert "36" in error_of(response)["message"]
    assert simulator.executions("stopInstance") == 0


def test_a_token_that_is_not_a_string_is_invalid(api):
    response = api.action(RUNNING, "stopInstance", {"clientToken": 12})

    assert response.status_code == 400


def test_concurrent_calls_with_one_token_execute_once(api, simulator):
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: api.stop(RUNNING, token="race"), range(16)))

    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["requestId"] for r in responses}) == 1
    assert simulator.executions("stopInstance") == 1
