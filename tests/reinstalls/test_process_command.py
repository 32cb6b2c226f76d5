"""manage.py process_reinstalls: the sweep that cron and make run drive."""

import os
import signal
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cpsadmin.reinstalls import services, tasks
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from tests.reinstalls.conftest import DB_03, WEB_04


def _run(*args) -> str:
    out = StringIO()
    call_command("process_reinstalls", *args, stdout=out)
    return out.getvalue()


def test_one_pass_expires_retries_and_follows(
    requester, approver, make_request, committed, clock, cps_simulator
):
    stale = make_request(requester, DB_03)
    cps_simulator.inject_fault(
        "status", status=503, count=1, action="reinstallInstance"
    )
    retried = make_request(requester, WEB_04)
    with committed():
        services.approve(retried, approver, "")
    clock.advance(hours=25)

    with committed():
        output = _run()

    assert ReinstallRequest.objects.get(pk=stale.pk).status == Status.EXPIRED
    assert ReinstallRequest.objects.get(pk=retried.pk).status == Status.SUBMITTED
    assert f"Expired 1: #{stale.pk}" in output
    assert f"Tried to submit 1: #{retried.pk}" in output


def test_pass_completes_finished_reinstalls(
    requester, approver, make_request, committed, cps_simulator
):
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")
    cps_simulator.advance(61)

    with committed():
        output = _run()

    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.COMPLETED
    assert f"Checked the progress of 1: #{req.pk}" in output


def test_dry_run_only_lists(requester, make_request, clock):
    req = make_request(requester)
    clock.advance(hours=25)

    output = _run("--dry-run")

    assert f"Would expire 1: #{req.pk}" in output
    assert ReinstallRequest.objects.get(pk=req.pk).status == Status.PENDING


def test_loop_rejects_a_non_positive_interval(db):
    with pytest.raises(CommandError, match="positive"):
        _run("--loop", "0")


@pytest.mark.parametrize("interval", ["nan", "inf", "1e300"])
def test_loop_rejects_an_interval_that_is_not_a_finite_number(
    db, monkeypatch, interval
):
    # nan would spin without pausing; inf would crash after the first pass.
    def no_pass(**kwargs):
        pytest.fail(f"--loop {interval} started looping")

    monkeypatch.setattr(services, "process_once", no_pass)

    with pytest.raises(CommandError, match="positive"):
        _run("--loop", interval)


def test_loop_cannot_be_a_dry_run(db):
    with pytest.raises(CommandError):
        _run("--loop", "5", "--dry-run")


def test_loop_stops_cleanly_on_sigterm(db, monkeypatch):
    passes = []
    monkeypatch.setattr(
        services, "process_once", lambda **kw: passes.append(1) or _nothing()
    )
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        output = _run("--loop", "0.05")
    finally:
        timer.cancel()

    assert passes
    assert "Stopped after" in output


def test_sweep_task_runs_the_same_pass(requester, make_request, clock):
    req = make_request(requester)
    clock.advance(hours=25)

    result = tasks.process_reinstalls.enqueue()

    assert result.return_value["expired"] == [req.pk]


def _nothing():
    return {"expired": [], "submitted": [], "followed": []}
