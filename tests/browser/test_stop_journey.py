"""Stopping a running server, the step before it can be reinstalled."""

import time

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

    # The simulator takes a second to stop it; refiltering picks that up.
    badge = rows.filter(has_text="web-01").locator(".badge")
    deadline = time.monotonic() + 15
    while (status := badge.inner_text()) != "stopped":
        assert status in ("running", "stopping")
        assert time.monotonic() < deadline, "web-01 never showed as stopped"
        alice.wait_for_timeout(500)
        alice.get_by_role("button", name="Filter").click()
    expect(
        rows.filter(has_text="web-01").get_by_role("link", name="Reinstall")
    ).to_be_visible()
