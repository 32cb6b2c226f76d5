"""Hand-made requests: odd ids in URLs and forms, duplicated fields."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.reinstalls.conftest import REGION, WEB_04

BULK = reverse("reinstalls:decide_many")
HUGE = "9" * 30


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("pk", [HUGE, str(2**63), "-1", "0", "abc"])
def test_bulk_decision_on_an_id_no_request_can_have_is_refused(
    signed_in, approver, requester, make_request, pk
):
    req = make_request(requester)
    client = signed_in(approver)

    response = client.post(BULK, {"ids": [pk], "decision": "approve"})

    assert response.status_code == 302
    assert _messages(response)
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.PENDING


@pytest.mark.parametrize(
    ("region", "instance_id"),
    [
        ("..", WEB_04),
        (".", WEB_04),
        (REGION, ".."),
        (REGION, "."),
        (REGION, "%2e%2e"),
        (REGION + "%0A", WEB_04),
        (REGION, WEB_04 + "%0A"),
    ],
)
@pytest.mark.parametrize("page", ["reinstalls:reinstall", "reinstalls:stop"])
def test_dot_segments_in_a_server_url_never_reach_cps(
    signed_in, requester, cps_simulator, page, region, instance_id
):
    client = signed_in(requester)
    url = reverse(page, args=["REGION", "INSTANCE"])
    url = url.replace("REGION", region).replace("INSTANCE", instance_id)
    cps_simulator.inject_fault("status", status=500)

    response = client.get(url)

    # The fault answers any call that reaches CPS: a 404 means none did.
    assert response.status_code == 404


@pytest.mark.parametrize("os_type_id", ["..", "."])
def test_dot_segments_as_an_os_id_never_reach_cps(
    signed_in, requester, cps_simulator, os_type_id
):
    client = signed_in(requester)
    cps_simulator.inject_fault("status", status=500)

    response = client.get(
        reverse("reinstalls:software_options"),
        {"region": REGION, "os_type_id": os_type_id, "image_type": "Standard_app"},
    )

    assert response.status_code == 200
    assert "data-cps-error" not in response.text


def test_software_ticked_twice_is_sent_to_cps_once(
    signed_in, requester, approver, reinstall_data, committed, cps_simulator
):
    client = signed_in(requester)
    with committed():
        client.post(
            reverse("reinstalls:reinstall", args=[REGION, WEB_04]),
            reinstall_data(
                image_type="Standard_app",
                softwares=["nginx==1.18.0", "nginx==1.18.0", "docker-ce==24.0.7"],
            ),
        )
    req = ReinstallRequest.objects.get()

    with committed():
        services.approve(req, approver, "")

    assert [s["name"] for s in req.softwares] == ["nginx", "docker-ce"]
    sent = cps_simulator.last_reinstall(WEB_04)["softwares"]
    assert [s["name"] for s in sent] == ["nginx", "docker-ce"]
