"""Stopping a running server, the step before it can be reinstalled."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_running_server_offers_stop_and_shows_stopped_after_it(sign_in):
    alice = sign_in("alice")

    # Searching swaps in the matching rows only (htmx).
    alice.get_by_label("Name or id").fill("web-01")
    rows = alice.locator("#server-rows tbody tr")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text="web-01")
    expect(row.locator(".badge")).to_have_text("running")
    expect(row.get_by_role("link", name="Reinstall")).to_have_count(0)

    row.get_by_role("link", name="Stop").click()
    expect(alice.get_by_role("heading", name="Stop web-01?")).to_be_visible()
    alice.get_by_role("button", name="Yes, stop it").click()
    expect(alice.get_by_role("alert")).to_contain_text("web-01 is stopping.")

    # The simulator takes a second to stop it; the rows poll until it settles.
    row = rows.filter(has_text="web-01")
    expect(row.locator(".badge")).to_have_text("stopped", timeout=15_000)
    expect(row.get_by_role("link", name="Reinstall")).to_be_visible()
    expect(alice.locator("#server-rows")).not_to_have_attribute(
        "hx-trigger", "every 3s"
    )
