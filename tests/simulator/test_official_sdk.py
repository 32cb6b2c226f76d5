"""The official jdcloud_sdk (1.6.354, JDCLOUD3 signing) against runsimulator's server.

The SDK signs only content-type and host, sends a literal `:` in action paths,
serialises every parameter (nulls, regionId and instanceId included) and spells
imageType in lower case: the simulator must take all of that as the live API does.
"""

import threading

import httpx
import pytest
import requests
from jdcloud_sdk.core.config import Config
from jdcloud_sdk.core.credential import Credential
from jdcloud_sdk.services.common.models.Filter import Filter
from jdcloud_sdk.services.cps.apis.DescribeDeviceRaidsRequest import (
    DescribeDeviceRaidsParameters,
    DescribeDeviceRaidsRequest,
)
from jdcloud_sdk.services.cps.apis.DescribeDeviceTypesRequest import (
    DescribeDeviceTypesParameters,
    DescribeDeviceTypesRequest,
)
from jdcloud_sdk.services.cps.apis.DescribeInstanceRequest import (
    DescribeInstanceParameters,
    DescribeInstanceRequest,
)
from jdcloud_sdk.services.cps.apis.DescribeInstancesRequest import (
    DescribeInstancesParameters,
    DescribeInstancesRequest,
)
from jdcloud_sdk.services.cps.apis.DescribeOSRequest import (
    DescribeOSParameters,
    DescribeOSRequest,
)
from jdcloud_sdk.services.cps.apis.DescribeRegionesRequest import (
    DescribeRegionesParameters,
    DescribeRegionesRequest,
)
from jdcloud_sdk.services.cps.apis.ReinstallInstanceRequest import (
    ReinstallInstanceParameters,
    ReinstallInstanceRequest,
)
from jdcloud_sdk.services.cps.apis.StartInstanceRequest import (
    StartInstanceParameters,
    StartInstanceRequest,
)
from jdcloud_sdk.services.cps.apis.StopInstanceRequest import (
    StopInstanceParameters,
    StopInstanceRequest,
)
from jdcloud_sdk.services.cps.client.CpsClient import CpsClient
from jdcloud_sdk.services.cps.models.ReinstallInstanceSpec import (
    ReinstallInstanceSpec,
)

from cpsadmin.simulator.catalogue import os_type_id
from cpsadmin.simulator.server import make_server
from tests.simulator.conftest import (
    ACCESS_KEY,
    GOOD_PASSWORD,
    RUNNING,
    SECRET_KEY,
    STOPPED,
    Api,
    reinstall_spec,
)

REGION = "cn-north-1"


@pytest.fixture
def endpoint(simulator):
    server = make_server(simulator, "127.0.0.1", 0)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sdk(endpoint):
    return CpsClient(
        Credential(ACCESS_KEY, SECRET_KEY), Config(endpoint, scheme="http")
    )


def ok(response):
    assert response.error is None, vars(response.error)
    assert response.request_id
    return response.result


def test_describe_regiones_through_the_sdk(sdk):
    result = ok(sdk.send(DescribeRegionesRequest(DescribeRegionesParameters())))

    assert [r["region"] for r in result["regions"]] == [
        "cn-north-1",
        "cn-east-2",
        "cn-south-1",
    ]


def test_describe_device_types_through_the_sdk(sdk):
    parameters = DescribeDeviceTypesParameters(REGION)
    parameters.setAz("cn-north-1b")

    result = ok(sdk.send(DescribeDeviceTypesRequest(parameters)))

    assert "cps.g.normal" in {t["deviceType"] for t in result["deviceTypes"]}


def test_describe_os_through_the_sdk(sdk):
    parameters = DescribeOSParameters(REGION, "cps.c.normal")
    parameters.setOsType("ubuntu")

    result = ok(sdk.send(DescribeOSRequest(parameters)))

    assert [o["osVersion"] for o in result["oss"]] == ["18.04", "20.04", "22.04"]


def test_describe_device_raids_through_the_sdk(sdk):
    parameters = DescribeDeviceRaidsParameters(REGION, "cps.c.highmem")
    parameters.setVolumeType("system")

    result = ok(sdk.send(DescribeDeviceRaidsRequest(parameters)))

    assert [r["raidType"] for r in result["raids"]] == ["RAID1"]


def test_describe_instances_with_filters_and_paging_through_the_sdk(sdk):
    parameters = DescribeInstancesParameters(REGION)
    parameters.setFilters([Filter("status", ["stopped", "error"])])
    parameters.setName("web")
    parameters.setPageNumber(1)
    parameters.setPageSize(20)

    result = ok(sdk.send(DescribeInstancesRequest(parameters)))

    assert [i["name"] for i in result["instances"]] == ["web-04"]
    assert result["totalCount"] == 1


def test_describe_instance_through_the_sdk(sdk):
    result = ok(
        sdk.send(DescribeInstanceRequest(DescribeInstanceParameters(REGION, RUNNING)))
    )

    assert result["instance"]["name"] == "web-01"


def test_stop_then_start_through_the_sdk(sdk, simulator):
    stop = StopInstanceParameters(REGION, RUNNING)
    stop.setClientToken("sdk-stop-1")

    assert ok(sdk.send(StopInstanceRequest(stop))) == {"success": True}
    assert ok(sdk.send(StopInstanceRequest(stop))) == {"success": True}
    assert simulator.executions("stopInstance", RUNNING) == 1

    simulator.advance(5)
    start = StartInstanceParameters(REGION, RUNNING)
    assert ok(sdk.send(StartInstanceRequest(start))) == {"success": True}
    assert simulator.instance(RUNNING)["status"] == "starting"


def test_reinstall_through_the_sdk(sdk, simulator):
    fields = reinstall_spec(osTypeId=os_type_id("cps.c.normal", "ubuntu-22.04"))
    spec = ReinstallInstanceSpec(
        az=fields["az"],
        imageType="standard",
        osTypeId=fields["osTypeId"],
        sysRaidTypeId=fields["sysRaidTypeId"],
        keepData="yes",
        password=GOOD_PASSWORD,
        dataRaidTypeId=fields["dataRaidTypeId"],
    )
    parameters = ReinstallInstanceParameters(REGION, STOPPED, spec)
    parameters.setClientToken("sdk-reinstall-1")

    assert ok(sdk.send(ReinstallInstanceRequest(parameters))) == {"success": True}

    simulator.advance(60)
    assert simulator.instance(STOPPED)["osName"] == "Ubuntu 22.04(x86_64)"
    assert simulator.last_reinstall(STOPPED)["keepData"] == "yes"


def test_a_refusal_reaches_the_sdk_as_an_error_response(sdk):
    response = sdk.send(StartInstanceRequest(StartInstanceParameters(REGION, RUNNING)))

    assert response.error.code == 400
    assert response.error.status == "FAILED_PRECONDITION"
    assert response.error.message == "Invalid instance status running"


def test_a_bad_secret_key_is_rejected_with_401_access_error(endpoint):
    wrong = CpsClient(
        Credential(ACCESS_KEY, "not-the-secret"), Config(endpoint, scheme="http")
    )

    response = wrong.send(DescribeRegionesRequest(DescribeRegionesParameters()))

    assert response.error.code == 401
    assert response.error.status == "ACCESS_ERROR"


def test_a_dropped_connection_reaches_the_sdk_as_a_connection_error(sdk, simulator):
    simulator.inject_fault("drop", count=1)

    with pytest.raises(requests.ConnectionError):
        sdk.send(DescribeRegionesRequest(DescribeRegionesParameters()))

    assert ok(sdk.send(DescribeRegionesRequest(DescribeRegionesParameters())))


def test_describe_software_over_the_socket_with_our_own_signed_call(endpoint):
    # SDK 1.6.354 has no DescribeSoftwareRequest: the API was removed in 1.0.4.
    with httpx.Client() as client:
        api = Api(client, host=endpoint)
        centos = os_type_id("cps.c.normal", "centos-7.9")
        response = api.get(f"/v1/regions/{REGION}/os/{centos}/softwares")

    assert response.status_code == 200
    assert response.json()["result"]["softwares"][0]["name"] == "nginx"


def test_a_dropped_connection_reaches_httpx_as_a_remote_protocol_error(
    endpoint, simulator
):
    simulator.inject_fault("drop", count=1)

    with httpx.Client() as client, pytest.raises(httpx.RemoteProtocolError):
        Api(client, host=endpoint).get("/v1/regions")
