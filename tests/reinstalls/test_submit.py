"""Submission to CPS: exactly once through faults, crashes and retries."""

import pytest

from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.reinstalls.conftest import SECRET, WEB_04, describe


@pytest.fixture
def approved(requester, approver, make_request, committed):
    """Approve a request for web-04; returns a function to reload it."""

    def approve():
        req = make_request(requester)
        with committed():
            services.approve(req, approver, "")
        return ReinstallRequest.objects.get(pk=req.pk)

    return approve


def test_submission_sends_the_spec_and_the_password(approved, cps_simulator):
    req = approved()

    sent = cps_simulator.last_reinstall(WEB_04)
    assert sent["osTypeId"] == req.os_type_id
    assert sent["keepData"] == "yes"
    assert sent["passwordGiven"] is True
    assert req.status == Status.SUBMITTED
    assert req.submitted_at is not None
    assert req.submit_attempts == 1


def test_password_is_erased_once_submitted(approved):
    req = approved()

    assert req.password_encrypted == ""


def test_server_started_before_approval_fails_with_the_reason(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    cps_simulator.set_status(WEB_04, "running")

    with committed():
        services.approve(req, approver, "")

    req.refresh_from_db()
    assert req.status == Status.FAILED
    assert "no longer stopped" in req.failure_reason
    assert "running" in req.failure_reason
    assert req.password_encrypted == ""
    assert cps_simulator.executions("reinstallInstance") == 0
    event = AuditEvent.objects.get(action=Action.REINSTALL_FAILED)
    assert event.outcome == Outcome.FAILURE
    assert "running" in event.message


@pytest.mark.parametrize("person", ["requester", "approver"])
def test_why_a_started_server_was_not_reinstalled_is_visible(
    person, request, client, requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    cps_simulator.set_status(WEB_04, "running")
    client.force_login(approver)
    with committed():
        client.post(f"/requests/{req.pk}/approve/")
    client.force_login(request.getfixturevalue(person))

    response = client.get(req.get_absolute_url())

    assert "no longer stopped (its status is running)" in response.content.decode()


def test_refusal_by_cps_fails_with_its_status_and_request_id(approved, cps_simulator):
    cps_simulator.inject_fault("status", status=400, action="reinstallInstance")

    req = approved()

    assert req.status == Status.FAILED
    assert "400" in req.failure_reason
    assert "INVALID_ARGUMENT" in req.failure_reason
    assert req.jd_request_id
    assert req.password_encrypted == ""


@pytest.mark.parametrize("status", [409, 429])
def test_a_busy_or_rate_limited_cps_is_retried_not_failed(
    status, approved, cps_simulator, clock
):
    cps_simulator.inject_fault(
        "status", status=status, count=1, action="reinstallInstance"
    )

    req = approved()
    assert req.status == Status.APPROVED

    clock.advance(minutes=6)
    services.retry_unsubmitted()

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_a_refused_check_before_sending_says_nothing_was_sent(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    cps_simulator.inject_fault("status", status=403, action="describeInstance")

    with committed():
        services.approve(req, approver, "")

    req.refresh_from_db()
    assert req.status == Status.FAILED
    assert "nothing was sent" in req.failure_reason
    assert cps_simulator.executions("reinstallInstance") == 0


def test_unavailable_cps_is_retried_later_with_the_same_token(
    approved, cps_simulator, clock
):
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )

    req = approved()
    assert req.status == Status.APPROVED
    assert req.submit_attempts == 1
    assert req.password_encrypted != ""
    assert cps_simulator.executions("reinstallInstance") == 0

    clock.advance(minutes=6)
    services.retry_unsubmitted()

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.submit_attempts == 2
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_lost_reply_is_replayed_not_executed_twice(approved, cps_simulator, clock):
    cps_simulator.inject_fault("drop_after", count=1, action="reinstallInstance")

    req = approved()
    assert req.status == Status.APPROVED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1
    assert describe(WEB_04).status == "reinstalling"

    clock.advance(minutes=6)
    services.retry_unsubmitted()

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.jd_request_id
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_retry_waits_for_its_delay(approved, cps_simulator, clock):
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )
    req = approved()

    clock.advance(seconds=20)
    services.retry_unsubmitted()

    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert req.submit_attempts == 1


def test_claimed_request_is_not_submitted_by_a_second_worker(approved, cps_simulator):
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )
    req = approved()

    services.submit(ReinstallRequest.objects.get(pk=req.pk))

    assert ReinstallRequest.objects.get(pk=req.pk).submit_attempts == 1


def test_submitter_that_crashed_after_its_claim_is_taken_over(
    requester, approver, make_request, clock, cps_simulator
):
    req = make_request(requester)
    # Approved, claimed, then the process died before calling CPS.
    services.approve(req, approver, "")
    ReinstallRequest.objects.filter(pk=req.pk).update(
        submit_claimed_at=req.decided_at, submit_attempts=1
    )

    clock.advance(minutes=2)
    assert services.retry_unsubmitted() == []
    clock.advance(minutes=4)
    services.retry_unsubmitted()

    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_submission_gives_up_after_the_last_attempt(approved, cps_simulator, clock):
    cps_simulator.inject_fault("status", status=503, action="reinstallInstance")
    req = approved()

    for _attempt in range(services.SUBMIT_MAX_ATTEMPTS):
        clock.advance(minutes=6)
        services.retry_unsubmitted()

    req.refresh_from_db()
    assert req.status == Status.FAILED
    assert req.submit_attempts == services.SUBMIT_MAX_ATTEMPTS
    assert "did not confirm" in req.failure_reason
    assert req.password_encrypted == ""
    assert cps_simulator.executions("reinstallInstance") == 0


def test_each_unanswered_attempt_is_recorded(approved, cps_simulator):
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )

    approved()

    event = AuditEvent.objects.get(action=Action.REINSTALL_SUBMITTED)
    assert event.outcome == Outcome.FAILURE
    assert "will retry" in event.message


def test_finished_reinstall_completes_the_request(approved, cps_simulator, committed):
    req = approved()
    cps_simulator.advance(61)

    with committed():
        services.refresh_progress(req)

    req.refresh_from_db()
    assert req.status == Status.COMPLETED
    assert req.last_seen_status == "running"
    assert req.finished_at is not None
    assert AuditEvent.objects.filter(action=Action.REINSTALL_COMPLETED).count() == 1


def test_reinstall_in_progress_stays_submitted(approved):
    req = approved()

    services.refresh_progress(req)

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert req.last_seen_status == "reinstalling"


def test_server_in_error_fails_the_request(approved, cps_simulator):
    req = approved()
    cps_simulator.set_status(WEB_04, "error")

    services.refresh_progress(req)

    req.refresh_from_db()
    assert req.status == Status.FAILED
    assert req.last_seen_status == "error"


def test_refresh_survives_an_unavailable_cps(approved, cps_simulator):
    req = approved()
    # The reinstall is over, so only the fault keeps the first look from
    # seeing the server running; the next look does.
    cps_simulator.advance(61)
    cps_simulator.inject_fault("status", status=503, count=1, action="describeInstance")

    services.refresh_progress(req)
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.SUBMITTED

    services.refresh_progress(ReinstallRequest.objects.get(pk=req.pk))
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.COMPLETED


def test_password_never_reaches_the_audit_log(approved, cps_simulator, committed):
    req = approved()
    cps_simulator.advance(61)
    with committed():
        services.refresh_progress(req)

    for event in AuditEvent.objects.all():
        assert SECRET not in f"{event.message} {event.data}"


def test_an_unanswered_submission_is_retried_after_thirty_seconds_not_the_lease(
    approved, cps_simulator, clock
):
    cps_simulator.inject_fault("drop_after", count=1, action="reinstallInstance")
    req = approved()

    clock.advance(seconds=20)
    assert services.retry_unsubmitted() == []
    clock.advance(seconds=15)
    assert services.retry_unsubmitted() == [req.pk]

    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_each_unanswered_attempt_waits_twice_as_long(approved, cps_simulator, clock):
    cps_simulator.inject_fault(
        "status", status=503, count=2, action="reinstallInstance"
    )
    req = approved()
    first_retry = req.next_submit_at

    clock.advance(seconds=31)
    services.retry_unsubmitted()
    req.refresh_from_db()

    assert req.status == Status.APPROVED
    assert req.submit_attempts == 2
    assert (req.next_submit_at - first_retry).total_seconds() >= 60


def test_the_request_page_says_when_cps_is_asked_again(
    approved, cps_simulator, client, requester
):
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )
    req = approved()
    client.force_login(requester)

    html = client.get(req.get_absolute_url()).content.decode()

    assert 'id="retry-notice"' in html
    assert req.next_submit_at.strftime("%H:%M:%S") in html
