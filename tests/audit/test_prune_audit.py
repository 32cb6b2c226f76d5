from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cpsadmin.audit.models import Action, AuditCheckpoint, AuditEvent
from cpsadmin.audit.services import prune_before, verify_chain

NOW = timezone.now()
OLD = NOW - timedelta(days=400)


def prune_audit(*args) -> str:
    out = StringIO()
    call_command("prune_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def aged_log(make_event):
    """Three events from last year, then two from today."""
    for n in range(3):
        make_event(at=OLD + timedelta(minutes=n), message=f"old {n}")
    make_event(message="new 1")
    make_event(message="new 2")


def cutoff_day() -> str:
    return (NOW - timedelta(days=30)).date().isoformat()


def test_pruning_removes_old_events_and_keeps_the_chain_verifiable(aged_log):
    output = prune_audit("--before", cutoff_day())

    assert "Deleted 3 audit events" in output
    assert list(AuditEvent.objects.order_by("seq").values_list("message", "seq")) == [
        ("new 1", 4),
        ("new 2", 5),
        ("Removed 3 audit events older than " + cutoff_day(), 6),
    ]
    assert verify_chain().ok


def test_pruning_writes_a_checkpoint_and_a_pruned_event(aged_log):
    prune_audit("--before", cutoff_day())

    checkpoint = AuditCheckpoint.objects.get()
    pruned = AuditEvent.objects.get(action=Action.AUDIT_PRUNED)
    assert (checkpoint.through_seq, checkpoint.deleted) == (3, 3)
    assert pruned.data["through_hash"] == checkpoint.through_hash


def test_pruning_twice_keeps_the_chain_verifiable(aged_log, make_event):
    prune_audit("--before", cutoff_day())
    make_event()

    prune_before(timezone.now() + timedelta(seconds=1))

    assert AuditCheckpoint.objects.count() == 2
    assert verify_chain().ok


def test_a_dry_run_deletes_nothing(aged_log):
    output = prune_audit("--before", cutoff_day(), "--dry-run")

    assert "Would delete 3 audit events" in output
    assert AuditEvent.objects.count() == 5
    assert not AuditCheckpoint.objects.exists()


def test_nothing_to_prune_writes_nothing(chain):
    output = prune_audit("--before", "2001-01-01")

    assert "No audit events older than 2001-01-01" in output
    assert AuditEvent.objects.count() == 5


def test_a_deletion_after_pruning_is_still_caught(aged_log):
    from tests.audit.test_verify_audit import delete_raw

    prune_audit("--before", cutoff_day())
    delete_raw("seq = 4")

    assert verify_chain().problem.seq == 4


def test_a_forged_checkpoint_is_caught(aged_log):
    AuditCheckpoint.objects.create(
        before=timezone.now(), deleted=4, through_seq=4, through_hash="f" * 64
    )

    assert verify_chain().problem.kind == "checkpoint"


def test_an_old_event_written_after_a_newer_one_is_kept(make_event):
    # A skewed clock: #2 claims an older time than #1. Only a prefix goes.
    make_event(at=NOW - timedelta(days=100))
    make_event(at=NOW - timedelta(days=200))

    result = prune_before(NOW - timedelta(days=150))

    assert result.deleted == 0
    assert verify_chain().ok


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", ""])
def test_a_malformed_date_is_refused(db, bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        prune_audit("--before", bad)


def test_a_future_date_is_refused(db):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    with pytest.raises(CommandError, match="future"):
        prune_audit("--before", tomorrow)


def test_the_cutoff_is_the_start_of_the_day_in_the_site_time_zone(make_event):
    midnight = timezone.make_aware(datetime(2024, 3, 10))
    make_event(at=midnight - timedelta(microseconds=1))
    make_event(at=midnight)

    prune_audit("--before", "2024-03-10")

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [
        2,
        3,
    ]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
@pytest.mark.parametrize("dry_run", [(), ("--dry-run",)])
def test_the_first_day_of_the_calendar_prunes_nothing_in_any_time_zone(
    chain, settings, zone, dry_run
):
    settings.TIME_ZONE = zone

    output = prune_audit("--before", "0001-01-01", *dry_run)

    assert "0 audit events" in output or "No audit events" in output
    assert AuditEvent.objects.count() == len(chain)
