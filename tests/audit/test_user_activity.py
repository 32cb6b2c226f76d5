import pytest
from django.urls import reverse


def url_for(user) -> str:
    return reverse("audit:user_activity", args=[user.pk])


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("requester", 404),
        ("approver", 404),
        ("auditor", 200),
        ("outsider", 404),
        ("superuser", 200),
    ],
)
def test_only_reviewers_see_another_users_activity(
    client, request, second_approver, person, status
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url_for(second_approver)).status_code == status


@pytest.mark.parametrize("person", ["requester", "approver", "auditor", "outsider"])
def test_everyone_sees_their_own_activity_by_id(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)

    assert client.get(url_for(user)).status_code == 200


def test_an_auditor_sees_that_users_events_only(
    client, auditor, requester, approver, make_event
):
    theirs = make_event(actor=requester, message="alice did this")
    make_event(actor=approver, message="bob did that")
    client.force_login(auditor)

    response = client.get(url_for(requester))

    assert [e.pk for e in response.context["page"].events] == [theirs.pk]
    assert "Activity of alice" in response.content.decode()


def test_an_unknown_user_is_404_for_an_auditor(client, auditor):
    client.force_login(auditor)

    assert client.get("/audit/users/999999/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, requester):
    assert client.get(url_for(requester)).status_code == 302
