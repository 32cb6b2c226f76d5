"""Mail: who hears of what, with a link to the request and never the password."""

import pytest
from django.core import mail

from cpsadmin.accounts.roles import Role
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, SECRET, WEB_04

SITE = "https://cps.example.com"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _to(message) -> str:
    return message.to[0]


def test_waiting_request_mails_the_approvers_in_scope(
    requester, approver, second_approver, superuser, auditor, make_request
):
    make_user("wes", Role.APPROVER, scope="web-*")
    make_user("dan", Role.APPROVER, scope="db-*")

    req = make_request(requester, WEB_04)

    assert sorted(_to(m) for m in mail.outbox) == [
        "bob@example.com",
        "dora@example.com",
        "root@example.com",
        "wes@example.com",
    ]
    message = mail.outbox[0]
    assert "needs your approval" in message.subject
    assert f"{SITE}/requests/{req.pk}/" in message.body
    assert "Broken OS" in message.body


def test_approvers_out_of_scope_get_no_mail(requester, make_request):
    make_user("wes", Role.APPROVER, scope="web-*")

    make_request(requester, DB_03)

    assert mail.outbox == []


def test_approver_requesting_is_not_asked_to_approve_own_request(
    approver, make_request
):
    approver.groups.add(*make_user("tmp", Role.REQUESTER).groups.all())
    approver.server_scopes.create(role=Role.REQUESTER, instance_pattern="*")

    make_request(approver)

    assert mail.outbox == []


def test_approval_mails_the_requester(requester, approver, make_request, committed):
    req = make_request(requester)
    mail.outbox.clear()

    with committed():
        services.approve(req, approver, "Fine by me")

    approved = [m for m in mail.outbox if "approved" in m.subject]
    assert [_to(m) for m in approved] == ["alice@example.com"]
    assert "Fine by me" in approved[0].body
    assert f"{SITE}/requests/{req.pk}/" in approved[0].body


def test_rejection_mails_the_requester_with_the_comment(
    requester, approver, make_request, committed
):
    req = make_request(requester)
    mail.outbox.clear()

    with committed():
        services.reject(req, approver, "Use the staging box")

    [message] = mail.outbox
    assert _to(message) == "alice@example.com"
    assert "rejected" in message.subject
    assert "Use the staging box" in message.body
    assert f"{SITE}/requests/{req.pk}/" in message.body


def test_expiry_mails_the_requester(requester, make_request, committed, clock):
    req = make_request(requester)
    mail.outbox.clear()
    clock.advance(hours=25)

    with committed():
        services.expire_stale()

    [message] = mail.outbox
    assert _to(message) == "alice@example.com"
    assert "expired" in message.subject
    assert f"{SITE}/requests/{req.pk}/" in message.body


def test_completion_mails_the_requester(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")
    mail.outbox.clear()
    cps_simulator.advance(61)

    with committed():
        services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))

    [message] = mail.outbox
    assert _to(message) == "alice@example.com"
    assert "completed" in message.subject


def test_failure_mails_the_requester_and_the_approvers(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    cps_simulator.set_status(WEB_04, "running")
    mail.outbox.clear()

    with committed():
        services.approve(req, approver, "")

    failed = [m for m in mail.outbox if "failed" in m.subject]
    assert sorted(_to(m) for m in failed) == ["alice@example.com", "bob@example.com"]
    assert "no longer stopped" in failed[0].body


def test_no_mail_when_the_step_rolls_back(requester, approver, make_request, committed):
    req = make_request(requester)
    mail.outbox.clear()

    with committed(), pytest.raises(services.WorkflowError):
        services.reject(req, approver, "")

    assert mail.outbox == []


def test_password_is_in_no_mail(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester, keep_data=False)
    with committed():
        services.approve(req, approver, "")
    cps_simulator.advance(61)
    with committed():
        services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))
    other = make_request(requester, DB_03)
    with committed():
        services.reject(other, approver, "No")

    assert len(mail.outbox) == 5  # waiting x2, approved, completed, rejected
    for message in mail.outbox:
        assert SECRET not in message.subject
        assert SECRET not in message.body


def test_wipe_is_spelled_out_in_the_approvers_mail(requester, approver, make_request):
    make_request(requester, keep_data=False)

    assert "WILL BE WIPED" in mail.outbox[0].body


def test_completion_mail_names_the_old_os_as_before_and_the_wipe_as_done(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester, keep_data=False)
    with committed():
        services.approve(req, approver, "")
    mail.outbox.clear()
    cps_simulator.advance(61)

    with committed():
        services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))

    [message] = mail.outbox
    assert "OS before:   Ubuntu 20.04(x86_64)\n" in message.body
    assert "Current OS" not in message.body
    assert "(the data disks were wiped)" in message.body
    assert "WILL BE WIPED" not in message.body
