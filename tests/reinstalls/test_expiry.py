"""Expiry: the sweep, and late decisions from stale pages."""

import pytest

from cpsadmin.audit.models import Action, AuditEvent
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.reinstalls.conftest import DB_03


def test_sweep_expires_requests_past_their_expiry(
    requester, make_request, committed, clock
):
    old = make_request(requester)
    clock.advance(hours=25)

    with committed():
        expired = services.expire_stale()

    old.refresh_from_db()
    assert expired == [old.pk]
    assert old.status == Status.EXPIRED
    assert old.password_encrypted == ""
    assert AuditEvent.objects.filter(action=Action.REINSTALL_EXPIRED).count() == 1


def test_sweep_leaves_fresh_requests_alone(requester, make_request, clock):
    req = make_request(requester)
    clock.advance(hours=23)

    assert services.expire_stale() == []
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.PENDING


def test_dry_run_sweep_changes_nothing(requester, make_request, clock):
    req = make_request(requester)
    clock.advance(hours=25)

    assert services.expire_stale(dry_run=True) == [req.pk]
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.PENDING


def test_approval_after_expiry_is_refused_before_the_sweep(
    requester, approver, make_request, committed, clock, cps_simulator
):
    req = make_request(requester)
    clock.advance(hours=25)

    with committed(), pytest.raises(services.WorkflowError, match="expired"):
        services.approve(req, approver, "")

    req.refresh_from_db()
    assert req.status == Status.EXPIRED
    assert req.password_encrypted == ""
    assert cps_simulator.executions("reinstallInstance") == 0


def test_approval_after_the_sweep_is_refused(
    requester, approver, make_request, clock, cps_simulator
):
    req = make_request(requester)
    stale = ReinstallRequest.objects.get(pk=req.pk)
    clock.advance(hours=25)
    services.expire_stale()

    with pytest.raises(services.WorkflowError, match="expired"):
        services.approve(stale, approver, "")

    assert cps_simulator.executions("reinstallInstance") == 0


def test_late_post_from_a_stale_page_gets_a_clear_message(
    client, requester, approver, make_request, committed, clock
):
    req = make_request(requester)
    client.force_login(approver)
    page = client.get(req.get_absolute_url())
    assert page.status_code == 200
    clock.advance(hours=25)

    with committed():
        response = client.post(f"/requests/{req.pk}/approve/", follow=True)

    text = response.content.decode()
    assert "expired" in text
    assert "can no longer be approved" in text
    assert ReinstallRequest.objects.get().status == Status.EXPIRED


def test_cancel_after_expiry_is_refused(requester, make_request, clock):
    req = make_request(requester)
    clock.advance(hours=25)

    with pytest.raises(services.WorkflowError, match="expired"):
        services.cancel(req, requester)

    assert ReinstallRequest.objects.get().status == Status.EXPIRED


def test_expired_requests_leave_the_queue(
    client, requester, approver, make_request, clock
):
    make_request(requester)
    make_request(requester, DB_03)
    clock.advance(hours=25)
    client.force_login(approver)

    response = client.get("/approvals/")

    assert list(response.context["requests"]) == []


def test_expired_request_shows_no_decision_buttons(
    rf, requester, approver, make_request, clock
):
    from django.template.loader import render_to_string

    from cpsadmin.reinstalls.approval_views import decision_panel_context

    req = make_request(requester)
    clock.advance(hours=25)
    http_request = rf.get("/")
    http_request.user = approver

    html = render_to_string(
        "reinstalls/_decision_panel.html",
        {"decision": decision_panel_context(http_request, req)},
        request=http_request,
    )

    assert "decision-form" not in html
    assert "can no longer be approved" in html
