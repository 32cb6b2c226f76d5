"""Fixtures shared by the reinstall tests.

Servers come from the simulator's demo cloud: web-04 and db-03 are stopped in
cn-north-1; web-01 runs.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cpsadmin.cps.client import get_client
from cpsadmin.reinstalls import services

REGION = "cn-north-1"
WEB_04 = "cps-1u33xtplpft75v2s"  # stopped
DB_03 = "cps-lqsaj08xui6d39zz"  # stopped
WEB_01 = "cps-ujzde8gxd6ncf10e"  # running
SECRET = "Reinstall-Secret-7x"


def describe(instance_id: str):
    return get_client().describe_instance(REGION, instance_id)


@pytest.fixture
def make_request(db, django_capture_on_commit_callbacks):
    """Create a request through the service, as the reinstall form does."""

    def make(requester, instance_id=WEB_04, *, keep_data=True, reason="Broken OS"):
        client = get_client()
        instance = client.describe_instance(REGION, instance_id)
        os = client.describe_os(REGION, instance.device_type)[0]
        raids = client.describe_device_raids(REGION, instance.device_type)
        sys_raid = next(r for r in raids if r.volume_type == "system")
        data_raid = next(r for r in raids if r.volume_type == "data")
        with django_capture_on_commit_callbacks(execute=True):
            return services.create_request(
                requester,
                instance=instance,
                os=os,
                image_type="Standard",
                sys_raid=sys_raid,
                data_raid=data_raid,
                keep_data=keep_data,
                softwares=[],
                password=SECRET,
                reason=reason,
            )

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks (CPS calls, mail) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def clock(monkeypatch):
    """Move the dashboard's clock: ``clock.advance(hours=25)``."""

    class Clock:
        offset = timedelta()

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    shifted = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shifted.offset)
    return shifted


@pytest.fixture
def signed_in(client):
    """``signed_in(user)``: the test client, logged in as that user."""
    from tests.conftest import PASSWORD

    def sign_in(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


@pytest.fixture
def no_approval_needed(db):
    """A default policy that sends requests to CPS without an approval."""
    from cpsadmin.reinstalls.models import ApprovalPolicy, PolicyMode

    return ApprovalPolicy.objects.create(mode=PolicyMode.NEVER)


@pytest.fixture
def reinstall_data():
    """``reinstall_data(**changes)``: a valid reinstall POST for web-04.

    A change to None leaves that field out of the POST.
    """
    from cpsadmin.simulator.catalogue import os_type_id, raid_type_id

    def build(**changes):
        data = {
            "os_type_id": os_type_id("cps.c.normal", "ubuntu-20.04"),
            "image_type": "Standard",
            "sys_raid_type_id": raid_type_id("cps.c.normal", "system", "RAID1"),
            "data_raid_type_id": raid_type_id("cps.c.normal", "data", "RAID0"),
            "keep_data": "yes",
            "confirm_name": "",
            "password": SECRET,
            "password_confirm": SECRET,
            "reason": "Move web-04 to the new base image",
            "submission_key": "6f1c1f0e8d7a4c529a573f7a51f0b2d1",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build
