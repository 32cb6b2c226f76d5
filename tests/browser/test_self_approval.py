"""Nobody approves their own reinstall, in the page or around it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DB_03 = "cps-lqsaj08xui6d39zz"  # stopped, cps.c.highmem
PASSWORD = "Reinstall-Secret-7x"


def test_alice_cannot_approve_her_own_request(sign_in):
    alice = sign_in("alice")
    alice.goto(f"/servers/cn-north-1/{DB_03}/reinstall/")
    alice.get_by_label("Yes: keep the data disks as they are").check()
    alice.get_by_label("New root / Administrator password").fill(PASSWORD)
    alice.get_by_label("Password, again").fill(PASSWORD)
    alice.get_by_label("Reason").fill("Move db-03 to CentOS 8.2.")
    alice.get_by_role("button", name="Request the reinstall").click()
    expect(alice.locator("#request-progress")).to_contain_text("Pending approval")
    pk = int(re.search(r"/requests/(\d+)/", alice.url)[1])

    # No decision buttons for her, only the cancel.
    panel = alice.locator("#decision-panel")
    expect(panel).to_contain_text("Someone else must approve your request.")
    expect(alice.get_by_role("button", name="Approve")).to_have_count(0)
    expect(alice.get_by_role("button", name="Reject")).to_have_count(0)

    # A hand-made POST, with her session and a valid CSRF token, is refused.
    token = alice.locator("#cancel-form [name=csrfmiddlewaretoken]").input_value()
    response = alice.request.post(
        f"/requests/{pk}/approve/",
        form={"csrfmiddlewaretoken": token, "comment": "Looks fine to me."},
    )
    assert response.ok
    assert "someone else must decide on it" in response.text()

    alice.reload()
    expect(alice.locator("#request-progress")).to_contain_text("Pending approval")
    expect(panel).to_contain_text("0 / 1")
    expect(panel).not_to_contain_text("Looks fine to me.")
