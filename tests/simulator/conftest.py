"""A simulator on a fake clock, and a signed client that talks to it in-process."""

import json
import random
import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from cpsadmin.cps.signing import sign_request
from cpsadmin.simulator.engine import Simulator
from cpsadmin.simulator.transport import SimulatorTransport

ACCESS_KEY = "test-ak"
SECRET_KEY = "test-sk"
HOST = "cps.simulator.local"

# Seeded servers the tests lean on (see cpsadmin/simulator/catalogue.py).
RUNNING = "cps-ujzde8gxd6ncf10e"  # web-01, cn-north-1a, cps.c.normal
RUNNING_2 = "cps-pf91dhodzdoc9is0"  # web-02, cn-north-1a, cps.c.normal
STOPPED = "cps-1u33xtplpft75v2s"  # web-04, cn-north-1b, cps.c.normal
STOPPED_2 = "cps-9du7794g9dpmrcg6"  # build-02, cn-north-1c, cps.c.normal
ERROR = "cps-344tfjgvq4k7bn7x"  # cache-02, cn-north-1b, cps.c.highmem
EAST_STOPPED = "cps-6zv0mwufxbv932by"  # web-12, cn-east-2b
GOOD_PASSWORD = "Reinstall-2024"

_REGION = re.compile(r"^/v1/regions/([^/]+)")


class FakeClock:
    def __init__(self, start: float = 1_767_225_600.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


class Api:
    """Signs requests like a real client and sends them through a transport."""

    def __init__(
        self,
        client: httpx.Client,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        host=HOST,
    ):
        self.client = client
        self.access_key = access_key
        self.secret_key = secret_key
        self.host = host

    def request(
        self, method, path, query="", body=None, *, content=None, algorithm="JDCLOUD2"
    ):
        if content is None:
            content = b"" if body is None else json.dumps(body).encode()
        headers = {
            "content-type": "application/json",
            "host": self.host,
            "x-jdcloud-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "x-jdcloud-nonce": str(uuid.uuid4()),
        }
        match = _REGION.match(path)
        headers["authorization"] = sign_request(
            method,
            path,
            query,
            headers,
            content,
            access_key=self.access_key,
            secret_key=self.secret_key,
            region=match[1] if match else "jdcloud-api",
            algorithm=algorithm,
        )
        url = f"http://{self.host}{path}" + (f"?{query}" if query else "")
        return self.client.request(method, url, headers=headers, content=content)

    def get(self, path, query=""):
        return self.request("GET", path, query)

    def action(self, instance_id, verb, body=None, *, region="cn-north-1"):
        path = f"/v1/regions/{region}/instances/{instance_id}:{verb}"
        return self.request("PUT", path, body=body if body is not None else {})

    def stop(self, instance_id, token=None, **kwargs):
        return self.action(
            instance_id, "stopInstance", {"clientToken": token}, **kwargs
        )

    def start(self, instance_id, token=None, **kwargs):
        return self.action(
            instance_id, "startInstance", {"clientToken": token}, **kwargs
        )

    def reinstall(self, instance_id, spec, token=None, **kwargs):
        body = {"clientToken": token, "instanceSpec": spec}
        return self.action(instance_id, "reinstallInstance", body, **kwargs)

    def instance(self, instance_id, region="cn-north-1"):
        response = self.get(f"/v1/regions/{region}/instances/{instance_id}")
        return response.json()["result"]["instance"]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sleeps():
    """Every sleep the simulator asked for, instead of sleeping."""
    return []


@pytest.fixture
def simulator(tmp_path, clock, sleeps):
    sim = Simulator(
        tmp_path / "state" / "simulator.sqlite3",
        credentials={ACCESS_KEY: SECRET_KEY},
        reinstall_seconds=60,
        transition_seconds=5,
        clock=clock,
        sleep=sleeps.append,
        rng=random.Random(1),
    )
    yield sim
    sim.close()


@pytest.fixture
def api(simulator):
    with httpx.Client(transport=SimulatorTransport(simulator), timeout=10.0) as client:
        yield Api(client)


def error_of(response) -> dict:
    return response.json()["error"]


def os_id(simulator, device_type, os_type, version):
    from cpsadmin.simulator import catalogue

    for row in catalogue.oss():
        if (row["deviceType"], row["osType"], row["osVersion"]) == (
            device_type,
            os_type,
            version,
        ):
            return row["osTypeId"]
    raise LookupError((device_type, os_type, version))


def reinstall_spec(**changes) -> dict:
    """A valid spec for web-04 (STOPPED): cps.c.normal in cn-north-1b."""
    from cpsadmin.simulator.catalogue import os_type_id, raid_type_id

    spec = {
        "az": "cn-north-1b",
        "imageType": "standard",
        "osTypeId": os_type_id("cps.c.normal", "centos-7.9"),
        "sysRaidTypeId": raid_type_id("cps.c.normal", "system", "RAID1"),
        "dataRaidTypeId": raid_type_id("cps.c.normal", "data", "RAID0"),
        "keepData": "no",
        "password": GOOD_PASSWORD,
    }
    spec.update(changes)
    return {k: v for k, v in spec.items() if v is not None}
