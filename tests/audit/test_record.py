import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.audit.services import record
from cpsadmin.correlation import _current


def web_request(user=None, **meta):
    request = RequestFactory().get("/", **meta)
    if user is not None:
        request.user = user
    return request


def test_events_link_into_a_chain_in_order(make_event):
    first, second = make_event(), make_event()

    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64


def test_the_actor_and_their_name_come_from_the_request(requester):
    event = record(Action.STOP_REQUESTED, request=web_request(requester))

    assert event.actor == requester
    assert event.actor_username == "alice"


def test_an_event_without_actor_is_anonymous(db):
    event = record(Action.CATALOGUE_REFRESHED)

    assert event.actor is None
    assert event.actor_username == ""


def test_the_ip_is_remote_addr_and_forwarded_for_is_ignored_by_default(db):
    request = web_request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert record(Action.LOGIN, request=request).ip == "10.0.0.5"


def test_the_last_forwarded_for_entry_is_used_when_the_proxy_is_trusted(db, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    request = web_request(
        REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )

    assert record(Action.LOGIN, request=request).ip == "203.0.113.9"


def test_a_trust_setting_that_is_not_a_boolean_is_refused(db, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = "yes"

    with pytest.raises(ImproperlyConfigured):
        record(Action.LOGIN, request=web_request())


def test_an_ipv6_address_is_stored_and_still_verifies(db):
    from cpsadmin.audit.services import verify_chain

    event = record(Action.LOGIN, request=web_request(REMOTE_ADDR="2001:DB8::0:1"))

    assert AuditEvent.objects.get(pk=event.pk).ip == "2001:db8::1"
    assert verify_chain().ok


def test_a_long_user_agent_is_truncated(db):
    request = web_request(HTTP_USER_AGENT="x" * 1000)

    assert len(record(Action.LOGIN, request=request).user_agent) == 256


def test_the_correlation_id_comes_from_the_request(db):
    request = web_request()
    request.request_id = "req-42"

    assert record(Action.LOGIN, request=request).request_id == "req-42"


def test_without_a_request_the_correlation_id_comes_from_the_context(db):
    token = _current.set("task-7")
    try:
        event = record(Action.REINSTALL_COMPLETED)
    finally:
        _current.reset(token)

    assert event.request_id == "task-7"


def test_a_reinstall_pk_is_kept_without_a_foreign_key(db):
    event = record(Action.REINSTALL_SUBMITTED, reinstall=17, jd_request_id="jd-1")

    assert event.reinstall_id == 17
    assert event.jd_request_id == "jd-1"


def test_a_reinstall_object_also_gives_region_and_instance(db):
    class Reinstall:
        pk = 9
        region = "cn-north-1"
        instance_id = "cps-abc"

    event = record(Action.REINSTALL_REQUESTED, reinstall=Reinstall())

    assert (event.reinstall_id, event.region, event.instance_id) == (
        9,
        "cn-north-1",
        "cps-abc",
    )


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        record("reinstall_teleported")

    assert not AuditEvent.objects.exists()


def test_data_is_stored_as_json_and_the_hash_still_matches(db):
    import datetime

    event = record(
        Action.REINSTALL_REQUESTED,
        outcome=Outcome.DENIED,
        data={"when": datetime.date(2025, 1, 2), "n": 1.5, "ok": True},
    )
    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.data == {"when": "2025-01-02", "n": 1.5, "ok": True}
    assert stored.compute_hash() == stored.hash
