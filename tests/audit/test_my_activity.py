import pytest
from django.urls import reverse

from cpsadmin.audit.models import Action
from cpsadmin.audit.queries import PAGE_SIZE

URL = reverse("audit:my_activity")
# Session, user, roles for the menu, one page of events.
ACTIVITY_QUERIES = 4


def test_a_signed_in_user_sees_only_their_own_events_newest_first(
    client, requester, approver, make_event
):
    mine = [make_event(actor=requester, message=f"mine {n}") for n in range(3)]
    make_event(actor=approver, message="theirs")
    client.force_login(requester)

    response = client.get(URL)

    events = [e for e in response.context["page"].events if e.action != Action.LOGIN]
    assert [e.pk for e in events] == [e.pk for e in reversed(mine)]
    assert "theirs" not in response.content.decode()


@pytest.mark.parametrize("person", ["requester", "approver", "auditor", "outsider"])
def test_every_signed_in_user_has_an_activity_page(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302


def test_the_activity_is_paginated(client, requester, make_event):
    for n in range(PAGE_SIZE + 3):
        make_event(actor=requester, message=f"step {n}")
    client.force_login(requester)

    first = client.get(URL).context["page"]
    second = client.get(URL, {"older": first.older_key}).context["page"]

    assert len(first.events) == PAGE_SIZE
    assert len(second.events) == 4  # three more, and the sign-in's
    assert second.newer is not None and second.older is None


def test_htmx_gets_only_the_rows(client, requester, make_event):
    make_event(actor=requester)
    client.force_login(requester)

    response = client.get(URL, headers={"HX-Request": "true"})

    assert b"<html" not in response.content
    assert "HX-Request" in response["Vary"]


def test_the_page_has_no_user_column(client, requester, make_event):
    make_event(actor=requester)
    client.force_login(requester)

    html = client.get(URL).content.decode()

    assert "<html" in html
    assert reverse("audit:user_activity", args=[requester.pk]) not in html


def test_my_activity_runs_the_same_queries_for_one_event_or_many(
    client, requester, make_event, django_assert_num_queries
):
    client.force_login(requester)

    with django_assert_num_queries(ACTIVITY_QUERIES):
        client.get(URL)

    for n in range(PAGE_SIZE + 10):
        make_event(actor=requester, reinstall=n, instance_id=f"cps-{n}")

    with django_assert_num_queries(ACTIVITY_QUERIES):
        response = client.get(URL)
    assert len(response.context["page"].events) == PAGE_SIZE
