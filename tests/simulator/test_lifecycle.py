"""stop, start and reinstall: preconditions, transitions and their timing."""

import pytest

from cpsadmin.simulator.catalogue import os_type_id, raid_type_id
from tests.simulator.conftest import (
    ERROR,
    GOOD_PASSWORD,
    RUNNING,
    STOPPED,
    error_of,
    reinstall_spec,
)


def test_stop_moves_a_running_instance_through_stopping_to_stopped(api, simulator):
    response = api.stop(RUNNING)

    assert response.status_code == 200
    assert response.json()["result"] == {"success": True}
    assert api.instance(RUNNING)["status"] == "stopping"
    simulator.advance(4.9)
    assert api.instance(RUNNING)["status"] == "stopping"
    simulator.advance(0.1)
    assert api.instance(RUNNING)["status"] == "stopped"


def test_start_moves_a_stopped_instance_through_starting_to_running(api, simulator):
    api.start(STOPPED)

    assert api.instance(STOPPED)["status"] == "starting"
    simulator.advance(5)
    assert api.instance(STOPPED)["status"] == "running"


def test_reinstall_runs_for_reinstall_seconds_then_the_instance_runs(api, simulator):
    api.reinstall(STOPPED, reinstall_spec())

    assert api.instance(STOPPED)["status"] == "reinstalling"
    simulator.advance(59)
    assert api.instance(STOPPED)["status"] == "reinstalling"
    simulator.advance(1)
    assert api.instance(STOPPED)["status"] == "running"


def test_reinstall_applies_the_new_os_raids_and_image_type_when_done(api, simulator):
    spec = reinstall_spec(
        osTypeId=os_type_id("cps.c.normal", "windows-2019"),
        sysRaidTypeId=raid_type_id("cps.c.normal", "system", "NORAID"),
        dataRaidTypeId=raid_type_id("cps.c.normal", "data", "RAID1"),
        imageType="Standard_app",
    )
    api.reinstall(STOPPED, spec)
    simulator.advance(60)

    instance = api.instance(STOPPED)
    assert instance["osTypeId"] == spec["osTypeId"]
    assert instance["osName"] == "Windows Server 2019 Datacenter(x86_64)"
    assert (instance["osType"], instance["osVersion"]) == ("windows", "2019")
    assert (instance["sysRaidTypeId"], instance["sysRaidType"]) == (
        spec["sysRaidTypeId"],
        "NORAID",
    )
    assert instance["dataRaidType"] == "RAID1"
    assert instance["imageType"] == "Standard_app"


def test_reinstall_without_a_data_raid_keeps_the_current_one(api, simulator):
    before = api.instance(STOPPED)["dataRaidTypeId"]

    api.reinstall(STOPPED, reinstall_spec(dataRaidTypeId=None))
    simulator.advance(60)

    assert api.instance(STOPPED)["dataRaidTypeId"] == before


def test_the_instance_keeps_its_old_os_while_reinstalling(api):
    before = api.instance(STOPPED)["osTypeId"]

    api.reinstall(STOPPED, reinstall_spec())

    assert api.instance(STOPPED)["osTypeId"] == before


def test_the_password_is_never_stored(api, simulator):
    api.reinstall(STOPPED, reinstall_spec())
    simulator.advance(60)

    record = simulator.last_reinstall(STOPPED)
    assert record["passwordGiven"] is True
    assert "password" not in record
    assert record["osTypeId"] == reinstall_spec()["osTypeId"]
    for path in simulator.db_path.parent.iterdir():
        assert GOOD_PASSWORD.encode() not in path.read_bytes()


def test_path_ids_unknown_keys_and_nulls_in_the_body_are_ignored(api):
    spec = {**reinstall_spec(), "hostname": None, "userData": None, "extra": 1}
    body = {
        "regionId": "cn-east-2",
        "instanceId": "cps-someone-else",
        "clientToken": None,
        "unknown": "x",
        "instanceSpec": spec,
    }

    response = api.action(STOPPED, "reinstallInstance", body)

    assert response.status_code == 200


@pytest.mark.parametrize("status", ["stopped", "stopping", "starting", "error"])
def test_stop_needs_a_running_instance(api, simulator, status):
    simulator.set_status(RUNNING, status)

    response = api.stop(RUNNING)

    assert response.status_code == 400
    assert error_of(response) == {
        "code": 400,
        "status": "FAILED_PRECONDITION",
        "message": f"Invalid instance status {status}",
    }
    assert simulator.executions("stopInstance") == 0


@pytest.mark.parametrize(
    "status", ["running", "stopping", "starting", "reinstalling", "error"]
)
def test_start_needs_a_stopped_instance(api, simulator, status):
    simulator.set_status(STOPPED, status)

    response = api.start(STOPPED)

    assert response.status_code == 400
    assert error_of(response)["status"] == "FAILED_PRECONDITION"
    assert error_of(response)["message"] == f"Invalid instance status {status}"


@pytest.mark.parametrize(
    "status", ["running", "stopping", "starting", "reinstalling", "error"]
)
def test_reinstall_needs_a_stopped_instance(api, simulator, status):
    simulator.set_status(STOPPED, status)

    response = api.reinstall(STOPPED, reinstall_spec())

    assert response.status_code == 400
    assert error_of(response)["status"] == "FAILED_PRECONDITION"
    assert error_of(response)["message"] == f"Invalid instance status {status}"
    assert simulator.last_reinstall(STOPPED) is None


def test_a_seeded_error_instance_refuses_every_action(api):
    responses = [
        api.stop(ERROR),
        api.start(ERROR),
        api.reinstall(ERROR, reinstall_spec(az="cn-north-1b")),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]


def test_a_second_stop_while_stopping_is_refused(api):
    api.stop(RUNNING)

    response = api.stop(RUNNING)

    assert error_of(response)["message"] == "Invalid instance status stopping"


@pytest.mark.parametrize("verb", ["stopInstance", "startInstance"])
def test_an_action_on_an_unknown_instance_is_404(api, verb):
    response = api.action("cps-nope", verb)

    assert response.status_code == 404
    assert error_of(response)["status"] == "NOT_FOUND"


def test_an_action_in_an_unknown_region_is_404(api):
    response = api.stop(RUNNING, region="cn-west-9")

    assert response.status_code == 404


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_invalid_argument(api, content):
    path = f"/v1/regions/cn-north-1/instances/{RUNNING}:stopInstance"

    response = api.request("PUT", path, content=content)

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"


def test_an_empty_body_is_an_action_without_options(api):
    path = f"/v1/regions/cn-north-1/instances/{RUNNING}:stopInstance"

    response = api.request("PUT", path, content=b"")

    assert response.status_code == 200


def test_executions_count_each_action_per_instance(api, simulator):
    api.stop(RUNNING)
    api.start(STOPPED)

    assert simulator.executions("stopInstance") == 1
    assert simulator.executions("stopInstance", RUNNING) == 1
    assert simulator.executions("stopInstance", STOPPED) == 0
    assert simulator.executions("startInstance", STOPPED) == 1


def test_set_status_of_an_unknown_instance_is_a_key_error(simulator):
    with pytest.raises(KeyError):
        simulator.set_status("cps-nope", "running")
