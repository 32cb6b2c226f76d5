"""Helpers for the audit tests: writing events, and tampering with them."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock

import pytest
from django.db import connection

from cpsadmin.audit.models import Action, AuditEvent
from cpsadmin.audit.services import record

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets only one writer in at a time anyway",
)


@pytest.fixture
def make_event(db):
    """Write an event through record(), optionally as if at a given time."""

    def make(action=Action.REINSTALL_REQUESTED, *, at: datetime | None = None, **kw):
        if at is None:
            return record(action, **kw)
        with mock.patch("cpsadmin.audit.services.timezone.now", return_value=at):
            return record(action, **kw)

    return make


@pytest.fixture
def chain(make_event):
    """Five events, #1 to #5."""
    return [make_event(message=f"event {n}") for n in range(1, 6)]


@contextmanager
def triggers_off():
    """Let raw SQL change audit rows, as someone with database access could.

    The change to the triggers is undone with the test's transaction.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode skips ordinary triggers; it needs a superuser.
            cursor.execute("SET LOCAL session_replication_role = replica")
            yield cursor
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            yield cursor


@pytest.fixture
def tamper():
    """Run one raw SQL statement on the audit table with the triggers off."""

    def run(sql: str, params=()):
        with triggers_off() as cursor:
            cursor.execute(sql, params)

    return run


def events_text() -> str:
    """Everything stored about every event, to search for leaked secrets."""
    rows = AuditEvent.objects.values()
    return " ".join(str(value) for row in rows for value in row.values())
