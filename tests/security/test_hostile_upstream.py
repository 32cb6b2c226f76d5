"""What CPS says is data, not markup, and a failing CPS is a message, not a 500."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.reinstalls.conftest import REGION, WEB_01, WEB_04

SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'
STOP_URL = reverse("reinstalls:stop", args=[REGION, WEB_01])


def tamper(simulator, instance_id, **fields):
    """Change what the simulated cloud says about one instance, as CPS might."""
    with simulator._store.transaction() as conn:
        (raw,) = conn.execute(
            "SELECT data FROM instances WHERE instance_id = ?", (instance_id,)
        ).fetchone()
        data = {**json.loads(raw), **fields}
        conn.execute(
            "UPDATE instances SET data = ? WHERE instance_id = ?",
            (json.dumps(data), instance_id),
        )


@pytest.fixture
def browser(db):
    """A test client that answers a crash with a 500, as a browser sees it."""
    return Client(raise_request_exception=False)


FAULTS = [
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 503},
    {"kind": "malformed"},
    {"kind": "html"},
    {"kind": "drop"},
    {"kind": "latency", "seconds": 5.0},
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault["kind"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_stop_page_shows_a_cps_failure_to_read_the_server(
    browser, requester, cps_simulator, settings, fault, method
):
    settings.CPS_TIMEOUT = 0.1
    cps_simulator.sleep = lambda seconds: None
    cps_simulator.inject_fault(action="describeInstance", **fault)
    browser.force_login(requester)

    response = getattr(browser, method)(STOP_URL)

    assert response.status_code == 200
    assert "data-cps-error" in response.text
    assert "Reading the server&#x27;s state from CPS failed." in response.text
    assert cps_simulator.executions("stopInstance") == 0


def test_stop_page_quotes_the_jd_request_id_of_the_failure(
    browser, requester, cps_simulator
):
    cps_simulator.inject_fault("status", status=503, action="describeInstance")
    browser.force_login(requester)

    response = browser.get(STOP_URL)

    problem = response.context["cps_problem"]
    assert problem.request_id
    assert problem.request_id in response.text


@pytest.mark.parametrize(
    "fields",
    [
        {"name": SCRIPT},
        {"osName": SCRIPT},
        {"status": SCRIPT},
        {"privateIp": SCRIPT},
    ],
    ids=lambda fields: next(iter(fields)),
)
def test_markup_in_what_cps_says_about_a_server_is_shown_as_text(
    browser, requester, cps_simulator, fields
):
    tamper(cps_simulator, WEB_04, **fields)
    browser.force_login(requester)

    for url in (
        f"{reverse('reinstalls:servers')}?region={REGION}",
        reverse("reinstalls:reinstall", args=[REGION, WEB_04]),
        reverse("reinstalls:stop", args=[REGION, WEB_04]),
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "<script>alert(1)" not in response.text, url
        assert "<img src=x" not in response.text, url


def test_markup_in_a_server_name_stays_text_for_every_reader(
    browser, requester, approver, auditor, cps_simulator, make_request, committed
):
    tamper(cps_simulator, WEB_04, name=SCRIPT)
    req = make_request(requester, reason=SCRIPT)
    with committed():
        services.approve(req, approver, SCRIPT)
    # The poll stores and shows whatever status CPS reports while reinstalling.
    cps_simulator.set_status(WEB_04, SCRIPT)

    for person in (requester, approver, auditor):
        browser.force_login(person)
        for url in (
            req.get_absolute_url(),
            reverse("reinstalls:progress", args=[req.pk]),
            reverse("audit:reinstall_story", args=[req.pk]),
            reverse("audit:review"),
        ):
            response = browser.get(url)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (person, url)
            assert "<script>alert(1)" not in response.text, (person, url)
    seen = ReinstallRequest.objects.get(pk=req.pk).last_seen_status
    assert seen.startswith("<script>")


@pytest.mark.parametrize(
    ("fields", "kept_as"),
    [
        ({"name": "n" * 300}, "instance_name"),
        ({"osName": "o" * 300}, "previous_os_name"),
    ],
    ids=["name", "osName"],
)
def test_overlong_text_from_cps_does_not_stop_a_reinstall_request(
    signed_in, requester, cps_simulator, reinstall_data, committed, fields, kept_as
):
    tamper(cps_simulator, WEB_04, **fields)
    client = signed_in(requester)

    with committed():
        response = client.post(
            reverse("reinstalls:reinstall", args=[REGION, WEB_04]), reinstall_data()
        )

    assert response.status_code == 302
    req = ReinstallRequest.objects.get()
    assert req.status == Status.PENDING
    kept = getattr(req, kept_as)
    limit = ReinstallRequest._meta.get_field(kept_as).max_length
    assert kept == next(iter(fields.values()))[:limit]


def test_an_overlong_status_from_cps_is_followed_without_a_crash(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")
    cps_simulator.set_status(WEB_04, "s" * 300)

    with committed():
        services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.last_seen_status.startswith("sss")
