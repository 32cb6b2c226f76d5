"""Rejecting: a comment is required, one rejection ends the request."""

import pytest

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ApprovalPolicy, ReinstallRequest, Status
from tests.conftest import make_user


def test_approver_rejects_with_a_comment(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)

    with committed():
        services.reject(req, approver, "Wrong server")

    req.refresh_from_db()
    assert req.status == Status.REJECTED
    assert req.finished_at is not None
    assert req.password_encrypted == ""
    assert cps_simulator.executions("reinstallInstance") == 0


def test_rejection_is_recorded_with_its_comment(
    requester, approver, make_request, committed
):
    req = make_request(requester)

    with committed():
        services.reject(req, approver, "Wrong server")

    event = AuditEvent.objects.get(action=Action.REINSTALL_REJECTED)
    assert (event.actor, event.outcome, event.message) == (
        approver,
        Outcome.SUCCESS,
        "Wrong server",
    )
    assert event.reinstall_id == req.pk


@pytest.mark.parametrize("comment", ["", "   "])
def test_rejection_without_a_comment_is_refused(
    comment, requester, approver, make_request
):
    req = make_request(requester)

    with pytest.raises(services.WorkflowError, match="why"):
        services.reject(req, approver, comment)

    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_requester_cannot_reject_own_request(superuser, make_request):
    req = make_request(superuser)

    with pytest.raises(services.WorkflowError, match="someone else"):
        services.reject(req, superuser, "Changed my mind")

    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_one_rejection_ends_a_two_approver_request(
    requester, approver, second_approver, make_request, committed, cps_simulator
):
    ApprovalPolicy.objects.create(approvals_required=2)
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")
        services.reject(req, second_approver, "Not during the sale")

    assert ReinstallRequest.objects.get().status == Status.REJECTED
    assert cps_simulator.executions("reinstallInstance") == 0


def test_approver_who_approved_cannot_then_reject(
    requester, approver, make_request, committed
):
    ApprovalPolicy.objects.create(approvals_required=2)
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")

    with pytest.raises(services.WorkflowError, match="already decided"):
        services.reject(req, approver, "Second thoughts")


def test_rejected_request_cannot_be_approved(
    requester, approver, second_approver, make_request, committed
):
    req = make_request(requester)
    stale = ReinstallRequest.objects.get(pk=req.pk)
    with committed():
        services.reject(req, approver, "No")

    with pytest.raises(services.WorkflowError, match="rejected"):
        services.approve(stale, second_approver, "")


def test_reject_view_needs_a_comment(client, requester, approver, make_request):
    req = make_request(requester)
    client.force_login(approver)

    response = client.post(f"/requests/{req.pk}/reject/", {"comment": ""}, follow=True)

    assert "Please say why" in response.content.decode()
    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_reject_view_rejects(client, requester, approver, make_request, committed):
    req = make_request(requester)
    client.force_login(approver)

    with committed():
        response = client.post(f"/requests/{req.pk}/reject/", {"comment": "No"})

    assert response["Location"] == req.get_absolute_url()
    assert ReinstallRequest.objects.get().status == Status.REJECTED


def test_reject_view_is_404_for_approvers_out_of_scope(client, requester, make_request):
    req = make_request(requester)
    client.force_login(make_user("dan", Role.APPROVER, scope="db-*"))

    response = client.post(f"/requests/{req.pk}/reject/", {"comment": "No"})

    assert response.status_code == 404
