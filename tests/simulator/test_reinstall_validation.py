"""reinstallInstance checks its spec against the catalogue and §11."""

import pytest

from cpsadmin.simulator.catalogue import os_type_id, raid_type_id
from tests.simulator.conftest import STOPPED, error_of, reinstall_spec


def refused_with(api, simulator, spec) -> str:
    response = api.reinstall(STOPPED, spec)

    assert response.status_code == 400
    assert error_of(response)["status"] == "INVALID_ARGUMENT"
    assert simulator.executions("reinstallInstance") == 0
    assert api.instance(STOPPED)["status"] == "stopped"
    return error_of(response)["message"]


@pytest.mark.parametrize(
    "field", ["az", "imageType", "osTypeId", "sysRaidTypeId", "keepData", "password"]
)
def test_a_missing_required_field_is_named(api, simulator, field):
    spec = reinstall_spec()
    del spec[field]

    assert f"instanceSpec.{field}" in refused_with(api, simulator, spec)


def test_a_missing_instance_spec_is_invalid(api, simulator):
    response = api.action(STOPPED, "reinstallInstance", {"clientToken": "t-1"})

    assert response.status_code == 400
    assert "instanceSpec" in error_of(response)["message"]


def test_the_az_must_be_the_instances_own(api, simulator):
    message = refused_with(api, simulator, reinstall_spec(az="cn-north-1a"))

    assert "cn-north-1b" in message


@pytest.mark.parametrize(
    "image_type", ["standard", "standard_app", "Standard", "Standard_app"]
)
def test_both_spellings_of_image_type_are_accepted(api, image_type):
    response = api.reinstall(STOPPED, reinstall_spec(imageType=image_type))

    assert response.status_code == 200


def test_an_unknown_image_type_is_refused(api, simulator):
    assert "imageType" in refused_with(
        api, simulator, reinstall_spec(imageType="custom")
    )


def test_an_os_of_another_device_type_is_refused(api, simulator):
    gpu_os = os_type_id("cps.g.normal", "ubuntu-22.04")

    message = refused_with(api, simulator, reinstall_spec(osTypeId=gpu_os))

    assert "not offered for device type cps.c.normal" in message


def test_a_raid_of_another_device_type_is_refused(api, simulator):
    storage_raid = raid_type_id("cps.s.normal", "system", "RAID1")

    message = refused_with(api, simulator, reinstall_spec(sysRaidTypeId=storage_raid))

    assert "sysRaidTypeId" in message


def test_a_data_raid_given_as_the_system_raid_is_refused(api, simulator):
    data_raid = raid_type_id("cps.c.normal", "data", "RAID1")

    message = refused_with(api, simulator, reinstall_spec(sysRaidTypeId=data_raid))

    assert "is not a system RAID" in message


def test_a_system_raid_given_as_the_data_raid_is_refused(api, simulator):
    sys_raid = raid_type_id("cps.c.normal", "system", "RAID1")

    message = refused_with(api, simulator, reinstall_spec(dataRaidTypeId=sys_raid))

    assert "is not a data RAID" in message


@pytest.mark.parametrize("keep_data", ["true", "YES", "keep"])
def test_keep_data_must_be_yes_or_no(api, simulator, keep_data):
    assert "keepData" in refused_with(
        api, simulator, reinstall_spec(keepData=keep_data)
    )


@pytest.mark.parametrize(
    "password",
    [
        "Ab1!xyz",  # 7 characters
        "Ab1!" + "x" * 27,  # 31 characters
        "abcdefgh1",  # two classes
        "ABCDEFGH!",  # two classes
        "Abcdefg 12",  # a space is not an allowed special
        "Abcdefg§12",  # nor is §
        "Пароль123!",  # nor are non-ASCII letters
    ],
)
def test_a_password_breaking_the_rule_is_refused_without_echoing_it(
    api, simulator, password
):
    message = refused_with(api, simulator, reinstall_spec(password=password))

    assert message.startswith("Invalid password")
    assert password not in message


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Ab1()`~!@#$%^&*_-+=|{}[]:\";'<>,.?/"[:30]],
)
def test_a_password_with_three_classes_is_accepted(api, password):
    response = api.reinstall(STOPPED, reinstall_spec(password=password))

    assert response.status_code == 200


def test_software_of_the_chosen_os_is_accepted(api):
    spec = reinstall_spec(
        softwares=[
            {"name": "nginx", "version": "1.20.1"},
            {"name": "mysql", "osTypeId": reinstall_spec()["osTypeId"]},
        ]
    )

    response = api.reinstall(STOPPED, spec)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "software",
    [
        {"name": "postgresql"},  # offered on Ubuntu, not on CentOS 7.9
        {"name": "nginx", "version": "9.9"},
        {"name": "nginx", "osTypeId": os_type_id("cps.c.normal", "ubuntu-20.04")},
        {"version": "1.20.1"},
        "nginx",
    ],
)
def test_software_not_offered_for_the_chosen_os_is_refused(api, simulator, software):
    message = refused_with(api, simulator, reinstall_spec(softwares=[software]))

    assert "oftware" in message


def test_an_instance_spec_with_hostname_and_keypair_is_accepted(api):
    spec = reinstall_spec(hostname="web-04", keypairId="kp-abc", userData="ZWNobw==")

    assert api.reinstall(STOPPED, spec).status_code == 200
