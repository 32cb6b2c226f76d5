import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("person", "landing"),
    [
        ("requester", "reinstalls:servers"),
        ("approver", "reinstalls:approvals"),
        ("auditor", "audit:review"),
        ("outsider", "audit:my_activity"),
    ],
)
def test_signing_in_lands_each_role_on_its_own_page(client, request, person, landing):
    user = request.getfixturevalue(person)

    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_address_gets_the_styled_404_with_a_way_home(client, requester):
    client.force_login(requester)

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in html
    assert '<nav class="navbar' in html
    assert f'href="{reverse("home")}"' in html
