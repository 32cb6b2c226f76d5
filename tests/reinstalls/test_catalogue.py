"""The cached catalogue, and the view that refreshes it."""

import pytest
from django.urls import reverse

from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.cps.client import CpsApiError, CpsClient
from cpsadmin.reinstalls import catalogue
from cpsadmin.simulator.catalogue import os_type_id
from tests.reinstalls.conftest import REGION, WEB_04

DEVICE_TYPE = "cps.c.normal"
UBUNTU_2004 = os_type_id(DEVICE_TYPE, "ubuntu-20.04")
REFRESH_URL = reverse("reinstalls:refresh_catalogue")


@pytest.fixture
def calls(monkeypatch):
    """Counts the client's catalogue calls by method name."""
    counted = {}

    def counting(name):
        real = getattr(CpsClient, name)

        def wrapper(self, *args, **kwargs):
            counted[name] = counted.get(name, 0) + 1
            return real(self, *args, **kwargs)

        return wrapper

    for name in (
        "describe_regions",
        "describe_os",
        "describe_device_raids",
        "describe_software",
    ):
        monkeypatch.setattr(CpsClient, name, counting(name))
    return counted


def test_second_form_render_makes_no_catalogue_call(signed_in, requester, calls):
    client = signed_in(requester)
    url = reverse("reinstalls:reinstall", args=[REGION, WEB_04])

    client.get(url)
    response = client.get(url)

    assert "Ubuntu 20.04(x86_64)" in response.text
    assert calls == {"describe_os": 1, "describe_device_raids": 1}


def test_htmx_software_swaps_ask_cps_once_per_os(signed_in, requester, calls):
    client = signed_in(requester)
    query = {"region": REGION, "os_type_id": UBUNTU_2004, "image_type": "Standard_app"}

    for _ in range(3):
        client.get(
            reverse("reinstalls:software_options"),
            query,
            headers={"HX-Request": "true"},
        )

    assert calls == {"describe_software": 1}


def test_region_list_is_cached(calls):
    first = catalogue.regions()
    second = catalogue.regions()

    assert [r.region for r in first] == ["cn-north-1", "cn-east-2", "cn-south-1"]
    assert second == first
    assert calls == {"describe_regions": 1}


def test_raids_are_split_by_volume_type_from_one_call(calls):
    system = catalogue.system_raids(REGION, DEVICE_TYPE)
    data = catalogue.data_raids(REGION, DEVICE_TYPE)

    assert {r.volume_type for r in system} == {"system"}
    assert {r.volume_type for r in data} == {"data"}
    assert calls == {"describe_device_raids": 1}


def test_software_not_found_is_cached_as_no_list(cps_simulator, calls):
    cps_simulator.software_enabled = False

    assert catalogue.software(REGION, UBUNTU_2004) is None
    assert catalogue.software(REGION, UBUNTU_2004) is None
    assert calls == {"describe_software": 1}


def test_empty_software_list_is_not_the_same_as_no_list():
    debian = os_type_id(DEVICE_TYPE, "debian-11")

    assert catalogue.software(REGION, debian) == []


def test_other_errors_are_not_cached(cps_simulator, calls):
    cps_simulator.inject_fault("status", status=503, action="describeOS", count=1)

    with pytest.raises(CpsApiError):
        catalogue.os_images(REGION, DEVICE_TYPE)
    images = catalogue.os_images(REGION, DEVICE_TYPE)

    assert "Ubuntu 20.04(x86_64)" in [os.os_name for os in images]
    assert calls == {"describe_os": 2}


def test_software_errors_other_than_not_found_are_not_cached(cps_simulator, calls):
    cps_simulator.inject_fault("status", status=500, action="describeSoftware", count=1)

    with pytest.raises(CpsApiError):
        catalogue.software(REGION, UBUNTU_2004)
    assert catalogue.software(REGION, UBUNTU_2004)
    assert calls == {"describe_software": 2}


def test_cache_timeout_comes_from_settings(settings, calls):
    settings.CPS_CATALOGUE_CACHE_SECONDS = 0  # Django: expire at once

    catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.os_images(REGION, DEVICE_TYPE)

    assert calls == {"describe_os": 2}


def test_refresh_of_a_device_type_forgets_its_os_raids_and_software(calls):
    catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.raids(REGION, DEVICE_TYPE)
    catalogue.software(REGION, UBUNTU_2004)
    catalogue.os_images(REGION, "cps.c.highmem")

    catalogue.refresh(REGION, DEVICE_TYPE)
    catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.raids(REGION, DEVICE_TYPE)
    catalogue.software(REGION, UBUNTU_2004)
    catalogue.os_images(REGION, "cps.c.highmem")

    assert calls == {
        "describe_os": 3,
        "describe_device_raids": 2,
        "describe_software": 2,
    }


def test_refresh_of_a_region_forgets_everything_in_it(calls):
    catalogue.regions()
    catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.os_images("cn-east-2", DEVICE_TYPE)

    catalogue.refresh(REGION)
    catalogue.regions()
    catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.os_images("cn-east-2", DEVICE_TYPE)

    assert calls == {"describe_regions": 2, "describe_os": 3}


# --- The refresh view ---------------------------------------------------------------


def test_requester_refreshes_the_catalogue_and_it_is_recorded(
    signed_in, requester, calls
):
    catalogue.os_images(REGION, DEVICE_TYPE)

    response = signed_in(requester).post(
        REFRESH_URL, {"region": REGION, "device_type": DEVICE_TYPE}
    )
    catalogue.os_images(REGION, DEVICE_TYPE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reinstalls:servers')}?region={REGION}"
    # The refresh itself read both lists; the next render used them.
    assert calls == {"describe_os": 2, "describe_device_raids": 1}
    event = AuditEvent.objects.get(action=Action.CATALOGUE_REFRESHED)
    assert event.actor == requester
    assert event.region == REGION
    assert event.data == {"device_type": DEVICE_TYPE}


def test_refresh_returns_to_a_local_next_page(signed_in, requester):
    form_url = reverse("reinstalls:reinstall", args=[REGION, WEB_04])

    response = signed_in(requester).post(
        REFRESH_URL, {"region": REGION, "next": form_url}
    )

    assert response["Location"] == form_url


def test_refresh_ignores_a_foreign_next_page(signed_in, requester):
    response = signed_in(requester).post(
        REFRESH_URL, {"region": REGION, "next": "https://evil.example/"}
    )

    assert "evil" not in response["Location"]


def test_htmx_refresh_gets_a_client_redirect(signed_in, requester):
    response = signed_in(requester).post(
        REFRESH_URL, {"region": REGION}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].endswith(f"?region={REGION}")


def test_admin_may_refresh_the_catalogue(signed_in, superuser):
    response = signed_in(superuser).post(REFRESH_URL, {"region": REGION})

    assert response.status_code == 302


def test_refresh_needs_a_post(signed_in, requester):
    assert signed_in(requester).get(REFRESH_URL).status_code == 405


def test_outsider_cannot_refresh_the_catalogue(signed_in, outsider):
    response = signed_in(outsider).post(REFRESH_URL, {"region": REGION})

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.CATALOGUE_REFRESHED).exists()


def test_auditor_cannot_refresh_the_catalogue(signed_in, auditor):
    response = signed_in(auditor).post(REFRESH_URL, {"region": REGION})

    assert response.status_code == 403


def test_a_failed_refresh_keeps_the_cached_lists(cps_simulator, calls):
    before = catalogue.os_images(REGION, DEVICE_TYPE)
    catalogue.raids(REGION, DEVICE_TYPE)
    cps_simulator.inject_fault("status", status=500, action="describeOS", count=1)

    with pytest.raises(CpsApiError):
        catalogue.refresh(REGION, DEVICE_TYPE)

    assert catalogue.os_images(REGION, DEVICE_TYPE) == before
    assert calls == {"describe_os": 2, "describe_device_raids": 1}


def test_a_failed_refresh_of_a_region_keeps_its_lists(cps_simulator, calls):
    catalogue.os_images(REGION, DEVICE_TYPE)
    cps_simulator.inject_fault("status", status=500, action="describeRegiones")

    with pytest.raises(CpsApiError):
        catalogue.refresh(REGION)
    catalogue.os_images(REGION, DEVICE_TYPE)

    assert calls == {"describe_os": 1, "describe_regions": 1}


def test_refresh_view_reports_a_failure_instead_of_success(
    signed_in, requester, cps_simulator
):
    cps_simulator.inject_fault("status", status=500, action="describeOS")

    response = signed_in(requester).post(
        REFRESH_URL, {"region": REGION, "device_type": DEVICE_TYPE}, follow=True
    )

    html = response.content.decode()
    assert "Loading the OS images from CPS failed." in html
    assert "were not refreshed" in html
    assert "read again from CPS" not in html
    event = AuditEvent.objects.get(action=Action.CATALOGUE_REFRESHED)
    assert event.outcome == Outcome.FAILURE
