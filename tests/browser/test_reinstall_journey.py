"""A reinstall from end to end: alice asks, bob approves, carol audits."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WEB_04 = "cps-1u33xtplpft75v2s"  # stopped, cps.c.normal, Ubuntu 20.04
PASSWORD = "Reinstall-Secret-7x"
REASON = "The root filesystem is corrupt after a failed kernel update."
# Bootstrap 5.3's .alert-danger background: proof that its CSS is applied.
BOOTSTRAP_DANGER_BG = "rgb(248, 215, 218)"


def test_alice_asks_bob_approves_and_carol_audits_a_reinstall(sign_in, screenshot):
    alice = sign_in("alice")
    pk = alice_requests_a_wiping_reinstall_of_web_04(alice, screenshot)

    bob = sign_in("bob", then="/approvals/")
    bob_approves(bob, pk)
    the_request_page_follows_the_reinstall_to_completed(bob, screenshot)

    carol = sign_in("carol", then="/audit/mine/")
    carol_sees_the_whole_story_in_the_audit_log(carol, pk)
    screenshot(carol, "audit-log")


def alice_requests_a_wiping_reinstall_of_web_04(page, screenshot) -> int:
    # The status filter swaps in only the stopped servers (htmx).
    page.get_by_label("Status").select_option("stopped")
    rows = page.locator("#server-rows tbody tr")
    expect(rows.filter(has_text="running")).to_have_count(0)
    rows.filter(has_text="web-04").get_by_role("link", name="Reinstall").click()
    expect(page.get_by_role("heading", name="Reinstall web-04")).to_be_visible()

    # OS choices come from CPS, the current OS chosen.
    os_select = page.get_by_label("Operating system")
    expect(os_select.locator("option:checked")).to_have_text("Ubuntu 20.04(x86_64)")
    expect(os_select.locator("option", has_text="CentOS 7.9(x86_64)")).to_have_count(1)
    software = page.get_by_label("Software to pre-install")
    expect(software).to_have_count(0)

    # Standard_app swaps the software select in. htmx sends the CSRF token,
    # set once on <body>, with each request it makes.
    with page.expect_request(re.compile(r"/catalogue/software/")) as swap:
        page.get_by_label("Standard_app").check()
    assert swap.value.headers["hx-request"] == "true"
    assert re.fullmatch(r"\w{64}", swap.value.headers["x-csrftoken"])
    offered = ["nginx 1.18.0", "docker-ce 24.0.7", "postgresql 12.17"]
    expect(software.locator("option")).to_have_text(
        [re.compile(f"^{re.escape(name)} ") for name in offered]
    )
    software.select_option("docker-ce==24.0.7")

    # Wiping the data disks reveals the red warning and the confirmation.
    wipe = page.locator("#wipe-confirmation")
    expect(wipe).to_be_hidden()
    page.get_by_label("No: wipe the data disks").check()
    expect(wipe).to_be_visible()
    alert = wipe.get_by_role("alert")
    expect(alert).to_contain_text("Every data disk will be wiped.")
    expect(alert).to_have_css("background-color", BOOTSTRAP_DANGER_BG)
    confirm_name = page.get_by_label("Type the instance name to confirm the wipe")
    confirm_name.fill("web-04")

    # Too short a password: the error, everything else kept, no password.
    fill_passwords(page, "Ab1!x")
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Request the reinstall").click()
    too_short = page.get_by_text("The password must be 8 to 30 characters long.")
    expect(too_short).to_be_visible()
    expect(page.get_by_label("New root / Administrator password")).to_have_value("")
    expect(page.get_by_label("Password, again")).to_have_value("")
    expect(os_select.locator("option:checked")).to_have_text("Ubuntu 20.04(x86_64)")
    expect(page.get_by_label("Standard_app")).to_be_checked()
    expect(software).to_have_values(["docker-ce==24.0.7"])
    expect(page.get_by_label("No: wipe the data disks")).to_be_checked()
    expect(wipe).to_be_visible()
    expect(confirm_name).to_have_value("web-04")
    expect(page.get_by_label("Reason")).to_have_value(REASON)
    screenshot(page, "reinstall-form")

    fill_passwords(page, PASSWORD)
    page.get_by_role("button", name="Request the reinstall").click()
    expect(page.locator("#request-progress")).to_contain_text("Pending approval")
    expect(page.get_by_role("heading", name=re.compile("web-04"))).to_be_visible()
    screenshot(page, "request-pending")
    return int(re.search(r"/requests/(\d+)/", page.url)[1])


def fill_passwords(page, password: str) -> None:
    page.get_by_label("New root / Administrator password").fill(password)
    page.get_by_label("Password, again").fill(password)


def bob_approves(page, pk: int) -> None:
    waiting = re.compile(r"^\s*[1-9]\d*\s*$")
    expect(page.locator("#approval-badge")).to_have_text(waiting)
    page.get_by_role("link", name="Approvals").click()
    page.locator(f"#approval-{pk}").get_by_role("link", name=f"#{pk}").click()

    page.get_by_label("Comment").fill("Go ahead; web-04 is out of the pool.")
    page.get_by_role("button", name="Approve", exact=True).click()
    approved = f"#{pk} (web-04) was approved"
    expect(page.get_by_role("alert").first).to_contain_text(approved)
    panel = page.locator("#decision-panel")
    expect(panel).to_contain_text("web-04 is out of the pool")


def the_request_page_follows_the_reinstall_to_completed(page, screenshot) -> None:
    progress = page.locator("#request-progress")
    expect(progress).to_contain_text("this updates by itself")

    # A reload would drop this mark; htmx's swaps keep the document.
    page.evaluate("window.sameDocument = true")
    expect(progress.get_by_text("Completed", exact=True)).to_be_visible(timeout=30_000)
    expect(progress).not_to_contain_text("this updates by itself")
    expect(page.locator("#decision-status")).to_have_text("Completed")
    assert page.evaluate("window.sameDocument === true")
    screenshot(page, "request-completed")


def carol_sees_the_whole_story_in_the_audit_log(page, pk: int) -> None:
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Instance", exact=True).fill(WEB_04)
    page.get_by_role("button", name="Filter").click()
    events = page.locator("table.audit-events tbody tr").filter(
        has=page.get_by_role("link", name=f"#{pk}", exact=True)
    )
    for action in (
        "Reinstall requested",
        "Reinstall approved",
        "Reinstall submitted",
        "Reinstall completed",
    ):
        expect(events.filter(has_text=action)).to_have_count(1)
