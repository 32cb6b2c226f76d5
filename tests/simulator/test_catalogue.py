"""The seeded cloud is varied and agrees with its own catalogue."""

from collections import Counter

from cpsadmin.simulator import catalogue


def test_every_seeded_instance_uses_what_its_az_and_device_type_offer():
    oss = {(o["deviceType"], o["osTypeId"]) for o in catalogue.oss()}
    raids = {
        (r["deviceType"], r["volumeType"], r["raidTypeId"]) for r in catalogue.raids()
    }

    for instance in catalogue.instances():
        device_type = instance["deviceType"]
        assert device_type in catalogue.OFFERINGS[instance["az"]], instance["name"]
        assert (device_type, instance["osTypeId"]) in oss
        assert (device_type, "system", instance["sysRaidTypeId"]) in raids
        assert (device_type, "data", instance["dataRaidTypeId"]) in raids


def test_there_are_over_twenty_instances_in_every_state_with_unique_ids():
    instances = catalogue.instances()

    assert len(instances) >= 20
    assert len({i["instanceId"] for i in instances}) == len(instances)
    assert len({i["privateIp"] for i in instances}) == len(instances)
    assert set(Counter(i["status"] for i in instances)) == {
        "running",
        "stopped",
        "error",
    }
    assert {i["region"] for i in instances} == {"cn-north-1", "cn-east-2", "cn-south-1"}


def test_each_device_type_offers_several_os_families_and_raids_of_both_kinds():
    for device_type in catalogue.DEVICE_TYPES:
        families = {
            o["osType"] for o in catalogue.oss() if o["deviceType"] == device_type
        }
        volumes = {
            r["volumeType"] for r in catalogue.raids() if r["deviceType"] == device_type
        }
        assert len(families) >= 2, device_type
        assert volumes == {"system", "data"}, device_type


def test_os_ids_are_unique_and_stable():
    ids = [o["osTypeId"] for o in catalogue.oss()]

    assert len(set(ids)) == len(ids)
    assert catalogue.os_type_id("cps.c.normal", "centos-7.9") == (
        "70f45e73-ab0f-5970-8aeb-6c1a62b2f38f"
    )


def test_some_oses_come_without_software():
    with_software = {s["osTypeId"] for s in catalogue.softwares()}

    without = [o for o in catalogue.oss() if o["osTypeId"] not in with_software]

    assert {o["osType"] for o in without} == {"windows", "debian"}
