from django.urls import reverse

from cpsadmin.audit.models import Action, AuditEvent, Outcome
from tests.audit.conftest import events_text
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def test_a_sign_in_is_recorded_without_the_password(client, requester):
    client.post(
        LOGIN,
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="pytest-browser",
    )

    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.actor, event.outcome) == (requester, Outcome.SUCCESS)
    assert (event.ip, event.user_agent) == ("192.0.2.7", "pytest-browser")
    assert PASSWORD not in events_text()


def test_a_failed_sign_in_records_the_name_tried_but_not_the_password(
    client, requester
):
    client.post(LOGIN, {"username": "alice", "password": "wrong-guess-123"})

    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor == requester
    assert event.outcome == Outcome.FAILURE
    assert event.data == {"attempted_username": "alice"}
    assert "wrong-guess-123" not in events_text()


def test_a_failed_sign_in_as_nobody_is_recorded_too(client, db):
    client.post(LOGIN, {"username": "ghost", "password": "boo-boo-boo"})

    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.data == {"attempted_username": "ghost"}
    assert "boo-boo-boo" not in events_text()


def test_the_owner_sees_a_failed_sign_in_to_their_account_in_my_activity(
    client, requester
):
    client.post(LOGIN, {"username": "alice", "password": "wrong-guess-123"})
    client.force_login(requester)

    html = client.get(reverse("audit:my_activity")).content.decode()

    assert "Failed sign-in as &#x27;alice&#x27;" in html


def test_a_sign_out_is_recorded(client, requester):
    client.force_login(requester)

    client.post(LOGOUT)

    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert event.actor == requester
