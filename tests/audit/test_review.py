import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cpsadmin.audit.models import Action, Outcome
from cpsadmin.audit.queries import PAGE_SIZE

URL = reverse("audit:review")
# Session, user, roles, one page of events.
REVIEW_QUERIES = 4


@pytest.fixture
def log(make_event, requester, approver):
    """A small log with something different in each column."""
    yesterday = timezone.now() - timedelta(days=1)
    return {
        "requested": make_event(
            Action.REINSTALL_REQUESTED,
            actor=requester,
            region="cn-north-1",
            instance_id="cps-alpha",
            reinstall=11,
            message="wipe and rebuild",
            at=yesterday,
        ),
        "approved": make_event(
            Action.REINSTALL_APPROVED,
            actor=approver,
            region="cn-north-1",
            instance_id="cps-alpha",
            reinstall=11,
        ),
        "denied": make_event(
            Action.STOP_REQUESTED,
            actor=requester,
            outcome=Outcome.DENIED,
            region="cn-east-2",
            instance_id="cps-beta",
        ),
        "submitted": make_event(
            Action.REINSTALL_SUBMITTED,
            actor=requester,
            region="cn-north-1",
            instance_id="cps-alpha",
            reinstall=11,
            jd_request_id="jd-req-777",
        ),
    }


def shown(response) -> set:
    """The events on the page, less the sign-in that force_login records."""
    events = response.context["page"].events
    return {event.pk for event in events if event.action != Action.LOGIN}


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("requester", 403),
        ("approver", 403),
        ("auditor", 200),
        ("outsider", 403),
        ("superuser", 200),
    ],
)
def test_only_auditors_and_admins_may_review(client, request, person, status):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == status


def test_a_requester_opening_the_review_gets_the_styled_403_with_the_menu(
    client, requester
):
    client.force_login(requester)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 403
    assert "You may not open this page" in html
    assert '<nav class="navbar' in html
    assert f'href="{reverse("reinstalls:my_requests")}"' in html
    assert f'href="{reverse("home")}"' in html


def test_an_administrator_without_superuser_may_review(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("erin", "admin"))

    assert client.get(URL).status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_review_shows_every_event_newest_first(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL)

    events = response.context["page"].events[1:]  # after the sign-in
    assert [e.pk for e in events] == [
        log[name].pk for name in ("submitted", "denied", "approved", "requested")
    ]
    assert b"<html" in response.content
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_only_the_results_fragment(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL, headers={"HX-Request": "true"})

    assert b"<html" not in response.content
    assert b"audit-events" in response.content
    assert "HX-Request" in response["Vary"]
    assert [t.name for t in response.templates][0] == "htmx/audit_rows.html"


def test_the_full_page_has_the_filter_form_and_the_verify_button(client, auditor, log):
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert 'id="audit-filters"' in html
    assert 'hx-get="/audit/"' in html
    assert reverse("audit:verify") in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "bob"}, ["approved"]),
        ({"action": "stop_requested"}, ["denied"]),
        ({"instance": "cps-beta"}, ["denied"]),
        ({"region": "cn-north-1"}, ["requested", "approved", "submitted"]),
        ({"outcome": "denied"}, ["denied"]),
        ({"q": "rebuild"}, ["requested"]),
        ({"q": "cps-bet"}, ["denied"]),
        ({"q": "jd-req-777"}, ["submitted"]),
        ({"q": "11"}, ["requested", "approved", "submitted"]),
        ({"actor": "alice", "region": "cn-north-1"}, ["requested", "submitted"]),
    ],
)
def test_each_filter_narrows_the_events(client, auditor, log, query, expected):
    client.force_login(auditor)

    response = client.get(URL, query)

    assert shown(response) == {log[name].pk for name in expected}


def test_the_correlation_id_is_searchable(client, auditor, log, make_event):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.request_id = "corr-123"
    traced = make_event(Action.CATALOGUE_REFRESHED, request=request)
    client.force_login(auditor)

    response = client.get(URL, {"q": "corr-123"})

    assert shown(response) == {traced.pk}


def test_the_date_range_filter_includes_both_days(client, auditor, log):
    client.force_login(auditor)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)

    only_yesterday = client.get(URL, {"date_from": yesterday, "date_to": yesterday})
    from_today = client.get(URL, {"date_from": today})

    assert shown(only_yesterday) == {log["requested"].pk}
    assert log["requested"].pk not in shown(from_today)
    assert len(shown(from_today)) == 3


def test_an_unknown_actor_is_a_form_error_not_a_crash(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL, {"actor": "nobody"})

    assert response.status_code == 200
    assert response.context["page"] is None
    assert "There is no such user." in response.content.decode()


def test_an_end_date_before_the_start_is_refused(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL, {"date_from": "2025-02-02", "date_to": "2025-02-01"})

    assert response.context["page"] is None


def test_oldest_first_reverses_the_order(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL, {"sort": "oldest"})

    assert response.context["page"].events[0].pk == log["requested"].pk


def test_each_event_links_to_its_reinstall_and_its_story(client, auditor, log):
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert f'href="{reverse("reinstalls:detail", args=[11])}"' in html
    assert f'href="{reverse("audit:reinstall_story", args=[11])}"' in html


def test_export_links_carry_the_current_filters(client, auditor, log):
    client.force_login(auditor)

    html = client.get(URL, {"region": "cn-east-2"}).content.decode()

    assert f"{reverse('audit:export')}?region=cn-east-2&amp;format=csv" in html


@pytest.fixture
def many_events(make_event, requester):
    base = timezone.now() - timedelta(hours=1)
    return [
        make_event(
            Action.REINSTALL_REQUESTED,
            actor=requester,
            reinstall=n,
            instance_id=f"cps-{n}",
            at=base + timedelta(seconds=n // 2),  # pairs share a timestamp
        )
        for n in range(PAGE_SIZE * 2 + 5)
    ]


def test_keyset_pages_walk_older_and_back_without_gaps(client, auditor, many_events):
    client.force_login(auditor)
    newest_first = [e.pk for e in reversed(many_events)]
    only = {"action": Action.REINSTALL_REQUESTED}

    first = client.get(URL, only).context["page"]
    second = client.get(URL, {**only, "older": first.older_key}).context["page"]
    third = client.get(URL, {**only, "older": second.older_key}).context["page"]
    back = client.get(URL, {**only, "newer": second.newer_key}).context["page"]

    walked = [e.pk for page in (first, second, third) for e in page.events]
    assert walked == newest_first
    assert first.newer is None and third.older is None
    assert [e.pk for e in back.events] == [e.pk for e in first.events]


def test_keyset_pages_also_walk_oldest_first(client, auditor, many_events):
    client.force_login(auditor)

    first = client.get(URL, {"sort": "oldest"}).context["page"]
    second = client.get(URL, {"sort": "oldest", "newer": first.newer_key}).context[
        "page"
    ]

    assert [e.pk for e in first.events + second.events] == [
        e.pk for e in many_events[: PAGE_SIZE * 2]
    ]
    assert first.older is None


def test_a_broken_cursor_is_refused(client, auditor, log):
    client.force_login(auditor)

    response = client.get(URL, {"older": "not-a-cursor"})

    assert response.context["page"] is None


def test_the_review_page_runs_the_same_queries_for_one_event_or_many(
    client, auditor, make_event, django_assert_num_queries
):
    client.force_login(auditor)
    make_event(actor=auditor, reinstall=1)

    with django_assert_num_queries(REVIEW_QUERIES):
        client.get(URL)

    for n in range(PAGE_SIZE + 10):
        make_event(actor=auditor, reinstall=n, instance_id=f"cps-{n}")

    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get(URL)
    assert len(response.context["page"].events) == PAGE_SIZE


def test_long_ids_show_eight_characters_with_the_whole_id_in_the_title(
    client, auditor, make_event
):
    with mock.patch(
        "cpsadmin.audit.services.current_request_id",
        return_value="0123456789abcdef0123456789abcdef",
    ):
        make_event(
            Action.REINSTALL_SUBMITTED,
            jd_request_id="fedcba9876543210fedcba9876543210",
        )
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert (
        '<span class="font-monospace-sm" title="0123456789abcdef0123456789abcdef">'
        "01234567</span>"
    ) in html
    assert (
        '<span class="font-monospace-sm" title="fedcba9876543210fedcba9876543210">'
        "fedcba98</span>"
    ) in html


def test_short_columns_do_not_wrap_and_times_carry_their_zone(
    client, auditor, make_event
):
    make_event(Action.REINSTALL_SUBMITTED, message="a long message " * 10)
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert '<td class="text-nowrap">Reinstall submitted</td>' in html
    assert re.search(r">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</time>", html)
    assert '<td class="audit-message">a long message' in html
