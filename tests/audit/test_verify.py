import pytest
from django.urls import reverse

from cpsadmin.audit.models import Action, AuditEvent, Outcome

URL = reverse("audit:verify")


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("requester", 403),
        ("approver", 403),
        ("auditor", 302),
        ("outsider", 403),
    ],
)
def test_only_reviewers_may_verify_the_chain(client, request, person, status):
    client.force_login(request.getfixturevalue(person))

    assert client.post(URL).status_code == status


def test_verifying_an_intact_chain_says_so_and_is_recorded(client, auditor, chain):
    client.force_login(auditor)

    response = client.post(URL, follow=True)

    assert "The audit chain is intact" in response.content.decode()
    verified = AuditEvent.objects.get(action=Action.AUDIT_VERIFIED)
    assert verified.outcome == Outcome.SUCCESS
    assert verified.actor == auditor
    assert verified.data["checked"] == 6  # the chain and the sign-in


def test_verifying_a_broken_chain_shows_the_first_problem(
    client, auditor, chain, tamper
):
    tamper("UPDATE audit_auditevent SET message = 'x' WHERE seq = 2")
    client.force_login(auditor)

    response = client.post(URL, follow=True)

    assert "Event #2" in response.content.decode()
    verified = AuditEvent.objects.get(action=Action.AUDIT_VERIFIED)
    assert verified.outcome == Outcome.FAILURE
    assert verified.data["problem_seq"] == 2


def test_verifying_needs_a_post(client, auditor):
    client.force_login(auditor)

    assert client.get(URL).status_code == 405
