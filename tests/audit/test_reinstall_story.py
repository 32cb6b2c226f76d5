import pytest
from django.urls import reverse

from cpsadmin.audit.models import Action, Outcome

URL = reverse("audit:reinstall_story", args=[42])


@pytest.fixture
def story(make_event, requester, approver, second_approver):
    where = {"reinstall": 42, "region": "cn-north-1", "instance_id": "cps-42"}
    return [
        make_event(Action.REINSTALL_REQUESTED, actor=requester, **where),
        make_event(Action.REINSTALL_APPROVED, actor=approver, **where),
        make_event(Action.REINSTALL_APPROVED, actor=second_approver, **where),
        make_event(
            Action.REINSTALL_SUBMITTED, actor=requester, jd_request_id="jd-9", **where
        ),
        make_event(Action.REINSTALL_COMPLETED, **where),
        make_event(Action.REINSTALL_REQUESTED, actor=requester, reinstall=43),
    ]


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("requester", 403),
        ("approver", 403),
        ("auditor", 200),
        ("outsider", 403),
    ],
)
def test_only_reviewers_see_the_story(client, request, story, person, status):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == status


def test_the_story_shows_the_whole_timeline_of_one_reinstall(client, auditor, story):
    client.force_login(auditor)

    response = client.get(URL)

    assert [e.pk for e in response.context["events"]] == [e.pk for e in story[:5]]
    summary = response.context["story"]
    assert summary.requested.actor_username == "alice"
    assert [a.actor_username for a in summary.approvals] == ["bob", "dora"]
    assert summary.jd_request_id == "jd-9"
    assert summary.outcome.action == Action.REINSTALL_COMPLETED
    html = response.content.decode()
    assert "jd-9" in html
    assert reverse("reinstalls:detail", args=[42]) in html


def test_a_failed_reinstall_ends_its_story_as_failed(client, auditor, make_event):
    make_event(Action.REINSTALL_REQUESTED, reinstall=42)
    make_event(Action.REINSTALL_FAILED, outcome=Outcome.FAILURE, reinstall=42)
    client.force_login(auditor)

    story = client.get(URL).context["story"]

    assert story.outcome.action == Action.REINSTALL_FAILED


def test_a_reinstall_without_events_is_404(client, auditor):
    client.force_login(auditor)

    assert client.get(URL).status_code == 404
