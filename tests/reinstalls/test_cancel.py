"""Cancelling: the requester's own, while pending."""

import pytest

from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status


def test_requester_cancels_a_pending_request(requester, make_request, committed):
    req = make_request(requester)

    with committed():
        services.cancel(req, requester)

    req.refresh_from_db()
    assert req.status == Status.CANCELLED
    assert req.password_encrypted == ""
    event = AuditEvent.objects.get(action=Action.REINSTALL_CANCELLED)
    assert (event.actor, event.outcome) == (requester, Outcome.SUCCESS)


@pytest.mark.parametrize("person", ["approver", "auditor", "outsider", "superuser"])
def test_only_the_requester_can_cancel(person, request, requester, make_request):
    req = make_request(requester)

    with pytest.raises(services.WorkflowError, match="Only the requester"):
        services.cancel(req, request.getfixturevalue(person))

    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert AuditEvent.objects.get(action=Action.REINSTALL_CANCELLED).outcome == (
        Outcome.DENIED
    )


def test_cancelled_request_cannot_be_cancelled_again(requester, make_request):
    req = make_request(requester)
    services.cancel(req, requester)

    with pytest.raises(services.WorkflowError, match="cancelled"):
        services.cancel(req, requester)


def test_cancel_view_cancels_and_returns_to_the_request(
    client, requester, make_request
):
    req = make_request(requester)
    client.force_login(requester)

    response = client.post(f"/requests/{req.pk}/cancel/")

    assert response["Location"] == req.get_absolute_url()
    assert ReinstallRequest.objects.get().status == Status.CANCELLED


def test_cancel_view_answers_htmx_with_a_client_redirect(
    client, requester, make_request
):
    req = make_request(requester)
    client.force_login(requester)

    response = client.post(
        f"/requests/{req.pk}/cancel/", headers={"HX-Request": "true"}
    )

    assert response["HX-Redirect"] == req.get_absolute_url()


def test_cancel_view_refuses_an_approvers_cancel(
    client, requester, approver, make_request
):
    req = make_request(requester)
    client.force_login(approver)

    response = client.post(f"/requests/{req.pk}/cancel/", follow=True)

    assert "Only the requester" in response.content.decode()
    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_cancel_view_is_404_for_outsiders(client, requester, outsider, make_request):
    req = make_request(requester)
    client.force_login(outsider)

    assert client.post(f"/requests/{req.pk}/cancel/").status_code == 404
