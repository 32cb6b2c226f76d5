import threading

import pytest
from django.db import connection, connections, transaction

from cpsadmin.audit.models import Action, AuditEvent
from cpsadmin.audit.services import record, verify_chain
from tests.audit.conftest import postgresql_only

WRITERS = 8
EACH = 10


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_valid():
    start = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    record(Action.STOP_REQUESTED, message=f"writer {n} #{i}")
        except Exception as exc:  # surfaced below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 1))
    assert verify_chain().ok
    assert connection.vendor == "postgresql"
