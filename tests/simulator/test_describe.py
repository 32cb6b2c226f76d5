"""The read APIs: catalogue, instance listing and the §5 envelopes."""

import pytest

from tests.simulator.conftest import RUNNING, error_of


def test_describe_regiones_lists_three_regions_with_their_azs(api):
    response = api.get("/v1/regions")

    assert response.status_code == 200
    regions = {r["region"]: r for r in response.json()["result"]["regions"]}
    assert set(regions) == {"cn-north-1", "cn-east-2", "cn-south-1"}
    assert [a["az"] for a in regions["cn-north-1"]["azs"]] == [
        "cn-north-1a",
        "cn-north-1b",
        "cn-north-1c",
    ]
    assert len(regions["cn-east-2"]["azs"]) == 3
    assert regions["cn-south-1"]["azs"][0]["az"] == "cn-south-1a"


def test_a_success_has_request_id_in_body_and_header_and_json_type(api):
    response = api.get("/v1/regions")

    assert set(response.json()) == {"requestId", "result"}
    assert response.headers["x-jdcloud-request-id"] == response.json()["requestId"]
    assert response.headers["content-type"].startswith("application/json")


def test_an_error_has_the_envelope_and_the_http_status_equals_its_code(api):
    response = api.get("/v1/regions/cn-west-9/instances")

    assert response.status_code == 404
    assert set(response.json()) == {"requestId", "error"}
    assert error_of(response)["code"] == 404
    assert error_of(response)["status"] == "NOT_FOUND"
    assert response.headers["x-jdcloud-request-id"] == response.json()["requestId"]


def test_describe_device_types_gives_full_fields_for_the_region(api):
    response = api.get("/v1/regions/cn-north-1/deviceTypes")

    types = response.json()["result"]["deviceTypes"]
    assert {t["deviceType"] for t in types} == {
        "cps.c.normal",
        "cps.c.highmem",
        "cps.s.normal",
        "cps.g.normal",
    }
    gpu = next(t for t in types if t["deviceType"] == "cps.g.normal")
    assert gpu["family"] == "GPU"
    assert gpu["region"] == "cn-north-1"
    assert gpu["gpuConcise"]
    assert isinstance(gpu["systemDiskAmount"], int)
    assert gpu["isSoldOut"] is False
    assert "_azs" not in gpu


def test_describe_device_types_filters_by_az(api):
    response = api.get("/v1/regions/cn-south-1/deviceTypes", "az=cn-south-1a")

    types = [t["deviceType"] for t in response.json()["result"]["deviceTypes"]]
    assert types == ["cps.c.normal", "cps.s.normal"]


def test_describe_os_requires_a_device_type(api):
    response = api.get("/v1/regions/cn-north-1/os")

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"
    assert "deviceType" in error_of(response)["message"]


def test_describe_os_lists_families_and_versions_for_a_device_type(api):
    response = api.get("/v1/regions/cn-north-1/os", "deviceType=cps.c.normal")

    oss = response.json()["result"]["oss"]
    assert {o["osType"] for o in oss} == {"centos", "ubuntu", "debian", "windows"}
    assert {o["deviceType"] for o in oss} == {"cps.c.normal"}
    assert "Ubuntu 22.04(x86_64)" in {o["osName"] for o in oss}


def test_describe_os_filters_by_os_type_ignoring_case(api):
    response = api.get(
        "/v1/regions/cn-north-1/os", "deviceType=cps.c.normal&osType=CentOS"
    )

    versions = [o["osVersion"] for o in response.json()["result"]["oss"]]
    assert versions == ["7.9", "8.2"]


def test_describe_os_is_empty_for_a_device_type_the_region_does_not_sell(api):
    response = api.get("/v1/regions/cn-south-1/os", "deviceType=cps.g.normal")

    assert response.json()["result"]["oss"] == []


def test_describe_device_raids_requires_a_device_type(api):
    response = api.get("/v1/regions/cn-north-1/raids")

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"


def test_describe_device_raids_filters_by_volume_type(api):
    response = api.get(
        "/v1/regions/cn-north-1/raids", "deviceType=cps.s.normal&volumeType=data"
    )

    raids = response.json()["result"]["raids"]
    assert [r["raidType"] for r in raids] == ["NORAID", "RAID0", "RAID10"]
    assert {r["volumeType"] for r in raids} == {"data"}
    assert all(r["raidTypeId"] and r["volumeDetail"] for r in raids)


def test_describe_device_raids_rejects_an_unknown_volume_type(api):
    response = api.get(
        "/v1/regions/cn-north-1/raids", "deviceType=cps.s.normal&volumeType=boot"
    )

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"


def test_describe_instances_pages_with_a_total_count(api):
    first = api.get("/v1/regions/cn-north-1/instances").json()["result"]
    second = api.get(
        "/v1/regions/cn-north-1/instances", "pageNumber=2&pageSize=20"
    ).json()["result"]

    assert first["totalCount"] == second["totalCount"] == 22
    assert (first["pageNumber"], first["pageSize"]) == (1, 20)
    assert len(first["instances"]) == 20
    assert len(second["instances"]) == 2
    ids = {i["instanceId"] for i in first["instances"] + second["instances"]}
    assert len(ids) == 22


def test_describe_instances_filters_by_status_with_several_values(api):
    query = "filters.1.name=status&filters.1.values.1=stopped&filters.1.values.2=error"
    result = api.get("/v1/regions/cn-north-1/instances", query).json()["result"]

    assert {i["status"] for i in result["instances"]} == {"stopped", "error"}
    assert result["totalCount"] == 8


def test_describe_instances_filters_by_instance_id(api):
    query = f"filters.1.name=instanceId&filters.1.values.1={RUNNING}"
    result = api.get("/v1/regions/cn-north-1/instances", query).json()["result"]

    assert [i["name"] for i in result["instances"]] == ["web-01"]


def test_describe_instances_combines_name_az_and_device_type(api):
    query = "name=WEB&az=cn-north-1b&deviceType=cps.c.normal"
    result = api.get("/v1/regions/cn-north-1/instances", query).json()["result"]

    assert [i["name"] for i in result["instances"]] == ["web-03", "web-04"]


@pytest.mark.parametrize(
    "query",
    [
        "pageSize=0",
        "pageSize=101",
        "pageNumber=0",
        "pageNumber=first",
        "filters.1.name=color&filters.1.values.1=red",
        "filters.1.name=status",
        "filters.1.name=status&filters.1.operator=like&filters.1.values.1=run",
    ],
)
def test_describe_instances_rejects_bad_paging_and_filters(api, query):
    response = api.get("/v1/regions/cn-north-1/instances", query)

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"


def test_describe_instance_returns_the_full_instance(api):
    instance = api.instance(RUNNING)

    assert instance["name"] == "web-01"
    assert instance["status"] == "running"
    assert instance["privateIp"] == "10.0.1.11"
    assert instance["osName"] == "CentOS 7.9(x86_64)"
    assert instance["sysRaidType"] == "RAID1"
    assert instance["charge"]["chargeMode"] == "prepaid_by_duration"


def test_describe_instance_is_404_for_an_unknown_instance(api):
    response = api.get("/v1/regions/cn-north-1/instances/cps-doesnotexist")

    assert response.status_code == 404
    assert error_of(response)["status"] == "NOT_FOUND"


def test_describe_instance_is_404_when_asked_in_another_region(api):
    response = api.get(f"/v1/regions/cn-east-2/instances/{RUNNING}")

    assert response.status_code == 404


def test_an_unknown_path_is_404(api):
    response = api.get("/v1/regions/cn-north-1/volumes")

    assert response.status_code == 404
    assert error_of(response)["status"] == "NOT_FOUND"


def test_a_real_instance_action_the_simulator_lacks_is_501(api):
    response = api.action(RUNNING, "restartInstance")

    assert response.status_code == 501
    assert error_of(response)["status"] == "NOT_IMPLEMENTED"
