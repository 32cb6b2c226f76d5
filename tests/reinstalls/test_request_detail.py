"""A request's page, its polled progress block, and the requester's list."""

import pytest
from django.urls import reverse

from cpsadmin.accounts.roles import Role
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, SECRET, WEB_04


def detail_url(req) -> str:
    return reverse("reinstalls:detail", args=[req.pk])


def progress_url(req) -> str:
    return reverse("reinstalls:progress", args=[req.pk])


@pytest.fixture
def pending(make_request, requester):
    return make_request(requester)


@pytest.fixture
def submitted(make_request, requester, no_approval_needed):
    req = make_request(requester)
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    return req


# --- Who sees it ------------------------------------------------------------------


def test_requester_sees_their_request_without_the_password(
    signed_in, requester, pending
):
    response = signed_in(requester).get(detail_url(pending))

    assert response.status_code == 200
    assert "Pending approval" in response.text
    assert "web-04" in response.text
    assert "Broken OS" in response.text
    assert SECRET not in response.text
    assert pending.password_encrypted not in response.text


def test_approver_in_scope_sees_any_request(signed_in, approver, pending):
    assert signed_in(approver).get(detail_url(pending)).status_code == 200


def test_auditor_in_scope_sees_any_request(signed_in, auditor, pending):
    assert signed_in(auditor).get(detail_url(pending)).status_code == 200


def test_outsider_gets_404_for_reinstall_detail(signed_in, outsider, pending):
    assert signed_in(outsider).get(detail_url(pending)).status_code == 404


def test_other_requester_gets_404_for_reinstall_detail(signed_in, pending, db):
    other = make_user("erin", Role.REQUESTER)

    assert signed_in(other).get(detail_url(pending)).status_code == 404


def test_approver_scoped_to_db_servers_gets_404_for_a_web_request(
    signed_in, pending, db
):
    db_only = make_user("dave", Role.APPROVER, scope="db-*")

    assert signed_in(db_only).get(detail_url(pending)).status_code == 404


def test_progress_is_as_private_as_the_page(signed_in, outsider, pending):
    response = signed_in(outsider).get(
        progress_url(pending), headers={"HX-Request": "true"}
    )

    assert response.status_code == 404


# --- What it shows ---------------------------------------------------------------


def test_page_lists_the_approvals(signed_in, requester, approver, pending):
    services.approve(pending, approver, "Looks right")

    response = signed_in(requester).get(detail_url(pending))

    assert "bob" in response.text
    assert "Looks right" in response.text


def test_page_shows_the_jd_request_id_once_submitted(signed_in, requester, submitted):
    response = signed_in(requester).get(detail_url(submitted))

    assert submitted.jd_request_id
    assert submitted.jd_request_id in response.text


def test_page_shows_why_a_request_failed(
    signed_in, requester, make_request, no_approval_needed, cps_simulator
):
    cps_simulator.inject_fault("status", status=400, action="reinstallInstance")
    req = make_request(requester)
    req.refresh_from_db()

    response = signed_in(requester).get(detail_url(req))

    assert req.status == Status.FAILED
    assert "Failed" in response.text
    assert req.failure_reason
    assert "CPS refused the reinstall" in response.text
    assert 'hx-trigger="every 3s"' not in response.text


# --- Polling ---------------------------------------------------------------------


def test_page_polls_while_the_request_is_submitted(signed_in, requester, submitted):
    response = signed_in(requester).get(detail_url(submitted))

    assert 'hx-trigger="every 3s"' in response.text
    assert f'hx-get="{progress_url(submitted)}"' in response.text
    assert 'id="progress-indicator"' in response.text


def test_page_does_not_poll_while_waiting_for_approval(signed_in, requester, pending):
    response = signed_in(requester).get(detail_url(pending))

    assert 'hx-trigger="every 3s"' not in response.text


def test_progress_fragment_keeps_polling_while_reinstalling(
    signed_in, requester, submitted
):
    response = signed_in(requester).get(
        progress_url(submitted), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert '<div id="request-progress"' in response.text
    assert "<html" not in response.text
    assert 'hx-trigger="every 3s"' in response.text
    assert "server last seen reinstalling" in response.text
    assert "HX-Request" in response["Vary"]


def test_polling_stops_when_the_server_runs_again(
    signed_in, requester, submitted, cps_simulator
):
    cps_simulator.advance(61)

    response = signed_in(requester).get(
        progress_url(submitted), headers={"HX-Request": "true"}
    )

    submitted.refresh_from_db()
    assert submitted.status == Status.COMPLETED
    assert "Completed" in response.text
    assert "hx-trigger" not in response.text
    assert "hx-get" not in response.text


def test_progress_without_htmx_is_the_full_page(signed_in, requester, submitted):
    response = signed_in(requester).get(progress_url(submitted))

    assert "<html" in response.text
    assert "Reinstall request #" in response.text
    assert "HX-Request" in response["Vary"]


# --- My requests -------------------------------------------------------------------


def test_my_requests_lists_only_my_own(signed_in, requester, make_request, db):
    mine = make_request(requester)
    other = make_user("erin", Role.REQUESTER)
    theirs = make_request(other, DB_03)

    response = signed_in(requester).get(reverse("reinstalls:my_requests"))

    assert list(response.context["page"]) == [mine]
    assert detail_url(mine) in response.text
    assert detail_url(theirs) not in response.text


def _many_requests(requester, count):
    for n in range(count):
        ReinstallRequest.objects.create(
            requester=requester,
            status=Status.CANCELLED,
            region="cn-north-1",
            az="cn-north-1b",
            instance_id=WEB_04,
            instance_name="web-04",
            device_type="cps.c.normal",
            image_type="Standard",
            os_type_id="os",
            sys_raid_type_id="sys",
            data_raid_type_id="data",
            keep_data=True,
            reason=f"Request {n}",
            client_token=f"token-{n}",
        )


def test_my_requests_is_paginated(signed_in, requester):
    _many_requests(requester, 30)
    client = signed_in(requester)

    first = client.get(reverse("reinstalls:my_requests"))
    second = client.get(reverse("reinstalls:my_requests"), {"page": 2})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5
    assert "Page 1 of 2" in first.text


@pytest.mark.parametrize("count", [1, 25])
def test_my_requests_query_count_does_not_grow_with_rows(
    signed_in, requester, django_assert_num_queries, count
):
    _many_requests(requester, count)
    client = signed_in(requester)

    with django_assert_num_queries(5):
        client.get(reverse("reinstalls:my_requests"))


def test_approver_sees_the_decision_buttons_on_the_request_page(
    pending, approver, signed_in
):
    client = signed_in(approver)

    html = client.get(detail_url(pending)).content.decode()

    assert 'id="decision-panel"' in html
    assert reverse("reinstalls:approve", args=[pending.pk]) in html
    assert "Broken OS" in html


def test_requester_sees_the_panel_without_decision_buttons(
    pending, requester, signed_in
):
    client = signed_in(requester)

    html = client.get(detail_url(pending)).content.decode()

    assert 'id="decision-panel"' in html
    assert 'id="decision-form"' not in html
    assert reverse("reinstalls:cancel", args=[pending.pk]) in html


def test_the_wipe_warning_is_red_on_the_request_page(
    make_request, requester, signed_in
):
    req = make_request(requester, keep_data=False)
    client = signed_in(requester)

    html = client.get(detail_url(req)).content.decode()

    assert 'id="wipe-warning"' in html


@pytest.fixture
def completed_wipe(
    make_request, requester, no_approval_needed, cps_simulator, committed
):
    req = make_request(requester, keep_data=False)
    cps_simulator.advance(61)
    with committed():
        req = services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))
    assert req.status == Status.COMPLETED
    return req


def test_completed_request_labels_the_old_os_as_before(
    signed_in, requester, completed_wipe
):
    html = signed_in(requester).get(detail_url(completed_wipe)).content.decode()

    assert "OS before" in html
    assert "Current OS" not in html


def test_completed_request_says_the_data_disks_were_wiped(
    signed_in, requester, completed_wipe
):
    html = signed_in(requester).get(detail_url(completed_wipe)).content.decode()

    assert "The data disks were wiped." in html
    assert "will be wiped" not in html
    assert "keepData" not in html


def test_completed_request_hides_the_expiry_and_the_age(
    signed_in, requester, completed_wipe
):
    html = signed_in(requester).get(detail_url(completed_wipe)).content.decode()

    assert 'id="decision-expiry"' not in html
    assert " ago)" not in html


def test_pending_request_shows_its_expiry_and_current_os(signed_in, requester, pending):
    html = signed_in(requester).get(detail_url(pending)).content.decode()

    assert 'id="decision-expiry"' in html
    assert "Current OS" in html


def test_status_badges_have_one_colour_on_the_page_and_in_the_list(
    signed_in, requester, pending
):
    client = signed_in(requester)

    page = client.get(detail_url(pending)).content.decode()
    listing = client.get(reverse("reinstalls:my_requests")).content.decode()

    badge = 'class="badge text-bg-warning"'
    assert f'<span {badge} id="decision-status">Pending approval</span>' in page
    assert f"<span {badge}>Pending approval</span>" in listing


def test_auditor_is_led_back_to_the_audit_log(signed_in, auditor, pending):
    html = signed_in(auditor).get(detail_url(pending)).content.decode()

    crumb = f'<a href="{reverse("audit:review")}">Audit log</a>'
    assert f'<li class="breadcrumb-item">{crumb}</li>' in html
