import pytest
from django.db import IntegrityError, connection, transaction

from cpsadmin.audit.models import Action, AuditEvent, AuditLogImmutable
from cpsadmin.audit.services import _allow_retention


def raw_sql(*statements, retention=False):
    """Run SQL straight at the database, as a script or a person might."""
    with transaction.atomic(), connection.cursor() as cursor:
        if retention:
            _allow_retention(cursor, True)
        for statement in statements:
            cursor.execute(statement)
        if retention:
            _allow_retention(cursor, False)


def test_a_saved_event_cannot_be_saved_again(make_event):
    event = make_event(message="original")
    event.message = "rewritten"

    with pytest.raises(AuditLogImmutable):
        event.save()

    assert AuditEvent.objects.get().message == "original"


def test_an_event_cannot_be_deleted_through_the_model(make_event):
    event = make_event()

    with pytest.raises(AuditLogImmutable):
        event.delete()

    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_updated_through_a_queryset(make_event):
    make_event(message="original")

    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(action=Action.REINSTALL_REQUESTED).update(
            message="rewritten"
        )
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.update(message="rewritten")

    assert AuditEvent.objects.get().message == "original"


def test_events_cannot_be_deleted_through_a_queryset(make_event):
    make_event()

    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.delete()

    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_created_around_record(db):
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.create(seq=1, action=Action.LOGIN)
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.bulk_create([AuditEvent(seq=1, action=Action.LOGIN)])

    assert not AuditEvent.objects.exists()


def test_the_database_refuses_a_raw_update(make_event):
    make_event(message="original")

    with pytest.raises(IntegrityError):
        raw_sql("UPDATE audit_auditevent SET message = 'rewritten'")

    assert AuditEvent.objects.get().message == "original"


def test_the_database_refuses_a_raw_delete(make_event):
    make_event()

    with pytest.raises(IntegrityError):
        raw_sql("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.count() == 1


def test_the_database_refuses_a_raw_update_even_with_the_retention_switch_on(
    make_event,
):
    make_event(message="original")

    with pytest.raises(IntegrityError):
        raw_sql("UPDATE audit_auditevent SET message = 'rewritten'", retention=True)

    assert AuditEvent.objects.get().message == "original"


def test_the_retention_switch_lets_a_delete_through_for_its_transaction_only(
    make_event,
):
    make_event()
    make_event()

    raw_sql("DELETE FROM audit_auditevent WHERE seq = 1", retention=True)
    with pytest.raises(IntegrityError):
        raw_sql("DELETE FROM audit_auditevent")

    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [2]


def test_the_database_refuses_a_raw_update_of_a_checkpoint(make_event):
    make_event()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditcheckpoint "
            "(created_at, before, deleted, through_seq, through_hash) "
            "VALUES (%s, %s, 0, 0, '')",
            ["2020-01-01 00:00:00", "2020-01-01 00:00:00"],
        )

    with pytest.raises(IntegrityError):
        raw_sql("UPDATE audit_auditcheckpoint SET through_seq = 7")
