"""Where each role lands after signing in."""

import pytest

pytestmark = pytest.mark.browser


def test_bob_lands_on_a_page_with_the_approvals_link_after_signing_in(sign_in):
    bob = sign_in("bob")

    # The page has loaded (sign_in waits for it), so no need to wait here.
    assert bob.get_by_role("link", name="Approvals").is_visible()
