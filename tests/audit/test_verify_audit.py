import pytest
from django.core.management import (
    CommandError,
    call_command,
    execute_from_command_line,
)
from django.db import connection, transaction

from cpsadmin.audit.models import AuditChainHead
from cpsadmin.audit.services import _allow_retention, verify_chain


def verify_audit() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def delete_raw(where: str):
    """Delete the way an intruder who found the retention switch would."""
    with transaction.atomic(), connection.cursor() as cursor:
        _allow_retention(cursor, True)
        cursor.execute(f"DELETE FROM audit_auditevent WHERE {where}")  # noqa: S608
        _allow_retention(cursor, False)


def test_an_intact_chain_passes(chain):
    assert "5 events, #1 to #5" in verify_audit()


def test_an_empty_log_passes(db):
    assert "no events" in verify_audit()


def test_an_edited_event_is_caught(chain, tamper):
    tamper("UPDATE audit_auditevent SET message = 'nothing' WHERE seq = 3")

    with pytest.raises(CommandError, match="#3 .* was edited"):
        verify_audit()


def test_an_edit_that_also_rewrites_the_hash_breaks_the_next_link(chain, tamper):
    forged = chain[1]
    forged.message = "nothing"
    tamper(
        "UPDATE audit_auditevent SET message = %s, hash = %s WHERE seq = 2",
        [forged.message, forged.compute_hash()],
    )

    report = verify_chain()

    assert (report.problem.kind, report.problem.seq) == ("broken_link", 3)


def test_a_deleted_event_is_caught(chain):
    delete_raw("seq = 2")

    with pytest.raises(CommandError, match="#2 is missing"):
        verify_audit()


def test_deleted_events_at_the_end_are_caught(chain):
    delete_raw("seq >= 4")

    with pytest.raises(CommandError, match="#4 to #5 are missing"):
        verify_audit()


def test_a_deleted_first_event_is_caught(chain):
    delete_raw("seq = 1")

    with pytest.raises(CommandError, match="#1 is missing"):
        verify_audit()


def test_reordered_events_are_caught(chain, tamper):
    # Swap the places of #2 and #3 in the chain, through a free number.
    tamper("UPDATE audit_auditevent SET seq = 99 WHERE seq = 2")
    tamper("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET seq = 3 WHERE seq = 99")

    with pytest.raises(CommandError, match="#2 .* does not follow"):
        verify_audit()


def test_a_moved_chain_head_is_caught(chain):
    AuditChainHead.objects.filter(pk=1).update(hash="0" * 64)

    assert verify_chain().problem.kind == "head_mismatch"


def test_the_command_exits_non_zero_when_the_chain_is_broken(chain, tamper):
    tamper("UPDATE audit_auditevent SET actor_username = 'someone' WHERE seq = 5")

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_audit"])

    assert exit_info.value.code == 1
