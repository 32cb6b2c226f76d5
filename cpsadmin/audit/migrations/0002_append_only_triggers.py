"""Database triggers that refuse changes to written audit rows.

audit_auditevent: UPDATE is always refused; DELETE only while the retention
switch is on in the deleting transaction. prune_audit is the one caller that
turns it on:

- PostgreSQL: ``SELECT set_config('cpsadmin.audit_retention', 'on', true)``,
  a setting local to the transaction.
- SQLite: a row in ``audit_retention_lock``, inserted and removed again inside
  the pruning transaction, so no other connection ever sees it.

audit_auditcheckpoint: UPDATE is refused.

Both refusals surface as IntegrityError. TRUNCATE (used by ``manage.py flush``
on PostgreSQL) is not covered; the hash chain still shows its effect.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE audit_retention_lock (id INTEGER PRIMARY KEY CHECK (id = 1))",
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audit_retention_lock)
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused');
    END
    """,
    """
    CREATE TRIGGER audit_checkpoint_no_update
    BEFORE UPDATE ON audit_auditcheckpoint
    BEGIN
        SELECT RAISE(ABORT, 'audit checkpoints are append-only: UPDATE refused');
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_checkpoint_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TABLE IF EXISTS audit_retention_lock",
]

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND current_setting('cpsadmin.audit_retention', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_immutable
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    """
    CREATE TRIGGER audit_checkpoint_immutable
    BEFORE UPDATE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_checkpoint_immutable ON audit_auditcheckpoint",
    "DROP TRIGGER IF EXISTS audit_event_immutable ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"No audit triggers written for {vendor}")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
