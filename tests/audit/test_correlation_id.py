from django.urls import reverse

from cpsadmin.audit.models import Action, AuditEvent
from tests.conftest import PASSWORD


def test_an_offered_request_id_is_stored_on_the_event_and_echoed(client, requester):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": PASSWORD},
        headers={"X-Request-ID": "trace-abc-123"},
    )

    assert response["X-Request-ID"] == "trace-abc-123"
    assert AuditEvent.objects.get(action=Action.LOGIN).request_id == "trace-abc-123"


def test_without_an_offered_id_the_generated_one_is_stored(client, requester):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
    )

    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.request_id == response["X-Request-ID"]
    assert len(event.request_id) == 32
