"""Approving: four eyes, scope, two-approver policy, races, and the views."""

import threading

import pytest
from django.db import connection

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import (
    Approval,
    ApprovalPolicy,
    ReinstallRequest,
    Status,
)
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, REGION, WEB_04


def test_approver_approves_and_the_reinstall_is_submitted(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)

    with committed():
        services.approve(req, approver, "Go ahead")

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.jd_request_id
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1
    assert Approval.objects.get(request=req).comment == "Go ahead"


def test_approval_is_recorded_with_comment_and_outcome(
    requester, approver, make_request, committed
):
    req = make_request(requester)

    with committed():
        services.approve(req, approver, "Checked with the owner")

    event = AuditEvent.objects.get(action=Action.REINSTALL_APPROVED)
    assert event.actor == approver
    assert event.outcome == Outcome.SUCCESS
    assert event.message == "Checked with the owner"
    submitted = AuditEvent.objects.get(action=Action.REINSTALL_SUBMITTED)
    assert submitted.jd_request_id == ReinstallRequest.objects.get().jd_request_id


def test_requester_cannot_approve_own_request(db, make_request, cps_simulator):
    both = make_user("alex", Role.REQUESTER, Role.APPROVER)
    req = make_request(both)

    with pytest.raises(services.WorkflowError, match="someone else"):
        services.approve(req, both, "")

    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert cps_simulator.executions("reinstallInstance") == 0


def test_superuser_cannot_approve_own_request(superuser, make_request, cps_simulator):
    req = make_request(superuser)

    with pytest.raises(services.WorkflowError, match="someone else"):
        services.approve(req, superuser, "")

    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert cps_simulator.executions("reinstallInstance") == 0


def test_self_approval_is_recorded_as_denied(superuser, make_request):
    req = make_request(superuser)

    with pytest.raises(services.WorkflowError):
        services.approve(req, superuser, "")

    event = AuditEvent.objects.get(action=Action.REINSTALL_APPROVED)
    assert event.outcome == Outcome.DENIED
    assert event.actor == superuser


def test_superuser_can_approve_someone_elses_request(
    requester, superuser, make_request, committed
):
    req = make_request(requester)

    with committed():
        services.approve(req, superuser, "")

    assert ReinstallRequest.objects.get().status == Status.SUBMITTED


@pytest.mark.parametrize("person", ["auditor", "outsider", "requester"])
def test_non_approvers_cannot_approve(person, request, make_request):
    other = make_user("rita", Role.REQUESTER)
    req = make_request(other)
    user = request.getfixturevalue(person)

    with pytest.raises(services.WorkflowError, match="not an approver"):
        services.approve(req, user, "")

    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_approver_out_of_scope_cannot_approve(requester, make_request):
    web_approver = make_user("wes", Role.APPROVER, scope="web-*")
    req = make_request(requester, DB_03)

    with pytest.raises(services.WorkflowError, match="not an approver"):
        services.approve(req, web_approver, "")


def test_two_approver_policy_waits_for_the_second_person(
    requester, approver, second_approver, make_request, committed, cps_simulator
):
    ApprovalPolicy.objects.create(approvals_required=2)
    req = make_request(requester)

    with committed():
        services.approve(req, approver, "")
    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert cps_simulator.executions("reinstallInstance") == 0

    with committed():
        services.approve(req, second_approver, "")
    assert ReinstallRequest.objects.get().status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance") == 1


def test_same_approver_cannot_count_twice(
    requester, approver, make_request, committed, cps_simulator
):
    ApprovalPolicy.objects.create(approvals_required=2)
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")

    with pytest.raises(services.WorkflowError, match="already decided"):
        services.approve(req, approver, "again")

    assert Approval.objects.filter(request=req).count() == 1
    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert cps_simulator.executions("reinstallInstance") == 0


def test_second_approval_of_an_approved_request_is_refused(
    requester, approver, second_approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    stale = ReinstallRequest.objects.get(pk=req.pk)
    with committed():
        services.approve(req, approver, "")

    with committed(), pytest.raises(services.WorkflowError, match="already"):
        services.approve(stale, second_approver, "")

    assert cps_simulator.executions("reinstallInstance") == 1


def test_approve_racing_cancel_from_stale_pages_has_one_outcome(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    approver_page = ReinstallRequest.objects.get(pk=req.pk)
    requester_page = ReinstallRequest.objects.get(pk=req.pk)

    with committed():
        services.cancel(requester_page, requester)
    with committed(), pytest.raises(services.WorkflowError, match="cancelled"):
        services.approve(approver_page, approver, "")

    assert ReinstallRequest.objects.get().status == Status.CANCELLED
    assert cps_simulator.executions("reinstallInstance") == 0


def test_cancel_after_approval_from_a_stale_page_is_refused(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    requester_page = ReinstallRequest.objects.get(pk=req.pk)
    with committed():
        services.approve(req, approver, "")

    with pytest.raises(services.WorkflowError, match="already been approved"):
        services.cancel(requester_page, requester)

    assert ReinstallRequest.objects.get().status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance") == 1


def _race(*steps):
    """Run the steps at once in threads; return what each raised (or None)."""
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        barrier.wait()
        try:
            step()
        except Exception as exc:  # noqa: BLE001
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_reinstall_once(
    requester, approver, second_approver, make_request, cps_simulator
):
    req = make_request(requester)

    outcomes = _race(
        lambda: services.approve(ReinstallRequest.objects.get(pk=req.pk), approver, ""),
        lambda: services.approve(
            ReinstallRequest.objects.get(pk=req.pk), second_approver, ""
        ),
    )

    assert sum(o is None for o in outcomes) == 1
    assert ReinstallRequest.objects.get().status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_cancel_at_once_have_one_outcome(
    requester, approver, make_request, cps_simulator
):
    req = make_request(requester)

    outcomes = _race(
        lambda: services.approve(ReinstallRequest.objects.get(pk=req.pk), approver, ""),
        lambda: services.cancel(ReinstallRequest.objects.get(pk=req.pk), requester),
    )

    assert sum(o is None for o in outcomes) == 1
    status = ReinstallRequest.objects.get().status
    assert status in (Status.SUBMITTED, Status.CANCELLED)
    expected = 1 if status == Status.SUBMITTED else 0
    assert cps_simulator.executions("reinstallInstance", WEB_04) == expected


# --- The views -------------------------------------------------------------------


def test_approve_view_approves_and_returns_to_the_request(
    client, requester, approver, make_request, committed
):
    req = make_request(requester)
    client.force_login(approver)

    with committed():
        response = client.post(f"/requests/{req.pk}/approve/", {"comment": "ok"})

    assert response.status_code == 302
    assert response["Location"] == req.get_absolute_url()
    assert ReinstallRequest.objects.get().status == Status.SUBMITTED


def test_approve_view_answers_htmx_with_a_client_redirect(
    client, requester, approver, make_request, committed
):
    req = make_request(requester)
    client.force_login(approver)

    with committed():
        response = client.post(
            f"/requests/{req.pk}/approve/",
            {"comment": ""},
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 200
    assert response["HX-Redirect"] == req.get_absolute_url()


def test_approve_view_tells_the_requester_why_they_cannot(
    client, superuser, make_request
):
    req = make_request(superuser)
    client.force_login(superuser)

    response = client.post(f"/requests/{req.pk}/approve/", follow=True)

    assert "someone else must decide" in response.content.decode()
    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_approve_view_is_404_for_approvers_out_of_scope(
    client, requester, make_request
):
    req = make_request(requester, DB_03)
    client.force_login(make_user("wes", Role.APPROVER, scope="web-*"))

    response = client.post(f"/requests/{req.pk}/approve/")

    assert response.status_code == 404


def test_approve_view_is_404_for_outsiders(client, requester, outsider, make_request):
    req = make_request(requester)
    client.force_login(outsider)

    assert client.post(f"/requests/{req.pk}/approve/").status_code == 404


def test_approve_view_refuses_get(client, requester, approver, make_request):
    req = make_request(requester)
    client.force_login(approver)

    assert client.get(f"/requests/{req.pk}/approve/").status_code == 405


def test_approve_view_needs_login(client, requester, make_request):
    req = make_request(requester)

    response = client.post(f"/requests/{req.pk}/approve/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_approval_for_a_server_in_another_region_scope_is_refused(
    requester, make_request
):
    other_region = make_user("rex", Role.APPROVER)
    other_region.server_scopes.update(region="cn-east-2")
    req = make_request(requester)
    assert req.region == REGION

    with pytest.raises(services.WorkflowError):
        services.approve(req, other_region, "")
