"""describeSoftware and its switch (the live API answers 404 since API 1.0.4)."""

from cpsadmin.simulator.catalogue import os_type_id
from cpsadmin.simulator.engine import Simulator
from tests.simulator.conftest import error_of

CENTOS_79 = os_type_id("cps.c.normal", "centos-7.9")
WINDOWS_2019 = os_type_id("cps.c.normal", "windows-2019")


def software_path(os_id, region="cn-north-1"):
    return f"/v1/regions/{region}/os/{os_id}/softwares"


def test_describe_software_lists_the_software_of_an_os(api):
    response = api.get(software_path(CENTOS_79))

    softwares = response.json()["result"]["softwares"]
    assert [s["name"] for s in softwares] == ["nginx", "mysql", "docker-ce"]
    assert {s["osTypeId"] for s in softwares} == {CENTOS_79}
    assert all(s["version"] and s["description"] for s in softwares)


def test_describe_software_is_empty_for_an_os_without_software(api):
    response = api.get(software_path(WINDOWS_2019))

    assert response.status_code == 200
    assert response.json()["result"]["softwares"] == []


def test_gpu_images_come_with_the_nvidia_stack(api):
    gpu_ubuntu = os_type_id("cps.g.normal", "ubuntu-22.04")

    softwares = api.get(software_path(gpu_ubuntu)).json()["result"]["softwares"]

    assert {"nvidia-driver", "cuda"} <= {s["name"] for s in softwares}


def test_describe_software_is_404_for_an_unknown_os(api):
    response = api.get(software_path("no-such-os"))

    assert response.status_code == 404
    assert error_of(response)["status"] == "NOT_FOUND"


def test_describe_software_answers_404_when_switched_off(api, simulator):
    simulator.software_enabled = False

    response = api.get(software_path(CENTOS_79))

    assert response.status_code == 404
    assert error_of(response)["status"] == "NOT_FOUND"


def test_the_software_switch_survives_a_new_simulator(simulator):
    simulator.software_enabled = False

    again = Simulator(simulator.db_path)

    assert again.software_enabled is False
    again.software_enabled = True
    assert simulator.software_enabled is True
    again.close()
