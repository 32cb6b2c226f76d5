"""The approvals queue: who sees what, filters, htmx, bulk decisions, queries."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from cpsadmin.accounts.roles import Role
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.approval_views import decision_panel_context
from cpsadmin.reinstalls.models import ApprovalPolicy, ReinstallRequest, Status
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, SECRET, WEB_04

STOPPED = [
    WEB_04,
    DB_03,
    "cps-2wxfogo4mvn4a4wf",  # store-03
    "cps-nbqns6puq80idw37",  # gpu-infer-01
    "cps-9du7794g9dpmrcg6",  # build-02
]


def _shown(response) -> list[int]:
    return [req.pk for req in response.context["requests"]]


def test_approver_sees_pending_requests_oldest_first(
    client, requester, approver, make_request
):
    first = make_request(requester, WEB_04)
    second = make_request(requester, DB_03)
    client.force_login(approver)

    response = client.get("/approvals/")

    assert response.status_code == 200
    assert _shown(response) == [first.pk, second.pk]
    assert "web-04" in response.content.decode()


def test_approver_scoped_to_web_servers_does_not_see_db_servers(
    client, requester, make_request
):
    web = make_request(requester, WEB_04)
    make_request(requester, DB_03)
    client.force_login(make_user("wes", Role.APPROVER, scope="web-*"))

    response = client.get("/approvals/")

    assert _shown(response) == [web.pk]
    assert "db-03" not in response.content.decode()


def test_requester_does_not_see_own_request_in_the_queue(
    client, superuser, make_request
):
    make_request(superuser)
    client.force_login(superuser)

    assert _shown(client.get("/approvals/")) == []


@pytest.mark.parametrize("person", ["requester", "auditor", "outsider"])
def test_non_approvers_get_403_for_the_queue(person, request, client):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/approvals/").status_code == 403


def test_queue_needs_login(client, db):
    assert client.get("/approvals/").status_code == 302


def test_queue_filters_by_keep_data(client, requester, approver, make_request):
    make_request(requester, WEB_04, keep_data=True)
    wipe = make_request(requester, DB_03, keep_data=False)
    client.force_login(approver)

    response = client.get("/approvals/", {"keep_data": "no"})

    assert _shown(response) == [wipe.pk]


def test_queue_filters_by_requester(client, requester, approver, make_request):
    make_request(requester, WEB_04)
    other = make_request(make_user("erin", Role.REQUESTER), DB_03)
    client.force_login(approver)

    response = client.get("/approvals/", {"requester": "erin"})

    assert _shown(response) == [other.pk]


def test_queue_filters_by_age(client, requester, approver, make_request):
    old = make_request(requester, WEB_04)
    make_request(requester, DB_03)
    ReinstallRequest.objects.filter(pk=old.pk).update(
        created_at=old.created_at - timedelta(hours=7)
    )
    client.force_login(approver)

    response = client.get("/approvals/", {"age": "6"})

    assert _shown(response) == [old.pk]


def test_queue_filters_by_region(client, requester, approver, make_request):
    req = make_request(requester)
    client.force_login(approver)

    assert _shown(client.get("/approvals/", {"region": "cn-north-1"})) == [req.pk]


def test_queue_ignores_an_unknown_region_filter(
    client, requester, approver, make_request
):
    req = make_request(requester)
    client.force_login(approver)

    response = client.get("/approvals/", {"region": "mars-1"})

    assert _shown(response) == [req.pk]
    assert response.context["filter_form"].errors


def test_queue_filter_swaps_only_the_rows_for_htmx(
    client, requester, approver, make_request
):
    make_request(requester)
    client.force_login(approver)

    response = client.get(
        "/approvals/", {"keep_data": "yes"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="approval-' in html
    assert 'hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]


def test_queue_full_page_varies_on_htmx(client, approver):
    client.force_login(approver)

    response = client.get("/approvals/")

    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_queue_never_shows_the_password(client, requester, approver, make_request):
    make_request(requester)
    client.force_login(approver)

    assert SECRET not in client.get("/approvals/").content.decode()


def test_queue_query_count_is_the_same_for_one_and_many_rows(
    client, requester, approver, make_request, django_assert_num_queries
):
    ApprovalPolicy.objects.create(approvals_required=2)
    client.force_login(make_user("vic", Role.APPROVER))
    first = make_request(requester, STOPPED[0])
    services.approve(first, approver, "")
    client.get("/approvals/")  # warm the session and content types

    with django_assert_num_queries(8) as one:
        assert len(client.get("/approvals/").context["requests"]) == 1

    for instance_id in STOPPED[1:]:
        services.approve(make_request(requester, instance_id), approver, "")

    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/approvals/").context["requests"]) == len(STOPPED)


def test_queue_shows_the_raid_levels_without_a_repeated_word(
    client, requester, approver, make_request
):
    make_request(requester)
    client.force_login(approver)

    html = client.get("/approvals/").content.decode()

    assert "RAID NORAID" not in html
    assert ">NORAID / NORAID</span>" in html


# --- Bulk decisions ----------------------------------------------------------


def test_bulk_approve_decides_each_request(
    client, requester, approver, make_request, committed, cps_simulator
):
    first = make_request(requester, WEB_04)
    second = make_request(requester, DB_03)
    client.force_login(approver)

    with committed():
        response = client.post(
            "/approvals/bulk/",
            {"ids": [first.pk, second.pk], "decision": "approve", "comment": "ok"},
            follow=True,
        )

    statuses = set(ReinstallRequest.objects.values_list("status", flat=True))
    assert statuses == {Status.SUBMITTED}
    assert cps_simulator.executions("reinstallInstance") == 2
    text = response.content.decode()
    assert f"#{first.pk}" in text and f"#{second.pk}" in text


def test_bulk_approve_still_refuses_own_requests(
    client, requester, superuser, make_request, committed
):
    own = make_request(superuser, WEB_04)
    theirs = make_request(requester, DB_03)
    client.force_login(superuser)

    with committed():
        response = client.post(
            "/approvals/bulk/",
            {"ids": [own.pk, theirs.pk], "decision": "approve"},
            follow=True,
        )

    assert ReinstallRequest.objects.get(pk=own.pk).status == Status.PENDING
    assert ReinstallRequest.objects.get(pk=theirs.pk).status == Status.SUBMITTED
    assert "someone else must decide" in response.content.decode()


def test_bulk_reject_needs_a_comment(client, requester, approver, make_request):
    req = make_request(requester)
    client.force_login(approver)

    response = client.post(
        "/approvals/bulk/", {"ids": [req.pk], "decision": "reject"}, follow=True
    )

    assert "Please say why" in response.content.decode()
    assert ReinstallRequest.objects.get().status == Status.PENDING


def test_bulk_reject_rejects_each_request(
    client, requester, approver, make_request, committed
):
    first = make_request(requester, WEB_04)
    second = make_request(requester, DB_03)
    client.force_login(approver)

    with committed():
        client.post(
            "/approvals/bulk/",
            {"ids": [first.pk, second.pk], "decision": "reject", "comment": "Freeze"},
        )

    statuses = set(ReinstallRequest.objects.values_list("status", flat=True))
    assert statuses == {Status.REJECTED}


def test_bulk_decision_skips_requests_out_of_scope(client, requester, make_request):
    db = make_request(requester, DB_03)
    client.force_login(make_user("wes", Role.APPROVER, scope="web-*"))

    response = client.post(
        "/approvals/bulk/", {"ids": [db.pk], "decision": "approve"}, follow=True
    )

    assert ReinstallRequest.objects.get().status == Status.PENDING
    assert "not found" in response.content.decode()


def test_bulk_decision_answers_htmx_with_a_client_redirect(
    client, requester, approver, make_request, committed
):
    req = make_request(requester)
    client.force_login(approver)

    with committed():
        response = client.post(
            "/approvals/bulk/",
            {"ids": [req.pk], "decision": "approve"},
            headers={"HX-Request": "true"},
        )

    assert response["HX-Redirect"] == "/approvals/"


def test_bulk_decision_needs_the_approver_role(client, requester, make_request):
    req = make_request(requester)
    client.force_login(requester)

    response = client.post("/approvals/bulk/", {"ids": [req.pk], "decision": "approve"})

    assert response.status_code == 403


# --- The decision panel ------------------------------------------------------


def _panel(rf, user, req) -> str:
    http_request = rf.get("/")
    http_request.user = user
    return render_to_string(
        "reinstalls/_decision_panel.html",
        {"decision": decision_panel_context(http_request, req)},
        request=http_request,
    )


def test_panel_shows_everything_needed_to_decide(rf, requester, approver, make_request):
    req = make_request(requester, keep_data=False, reason="Kernel panic loop")

    html = _panel(rf, approver, req)

    for text in (
        "alice",
        "Kernel panic loop",
        "web-04",
        WEB_04,
        "cps.c.normal",
        req.previous_os_name,
        req.os_type_id,
        "stopped",
        "Data disks will be wiped",
        "decision-form",
        "decision-expiry",
    ):
        assert text in html, text
    assert SECRET not in html


def test_panel_has_no_buttons_for_the_requester(rf, superuser, make_request):
    req = make_request(superuser)

    html = _panel(rf, superuser, req)

    assert "decision-form" not in html
    assert "cancel-form" in html


def test_panel_has_no_buttons_for_a_final_request(
    rf, requester, approver, make_request, committed
):
    req = make_request(requester)
    with committed():
        services.reject(req, approver, "No")

    html = _panel(rf, approver, ReinstallRequest.objects.get(pk=req.pk))

    assert "decision-form" not in html
    assert "cancel-form" not in html


def test_panel_shows_a_server_that_was_started_since(
    rf, requester, approver, make_request, cps_simulator
):
    req = make_request(requester)
    cps_simulator.set_status(WEB_04, "running")

    html = _panel(rf, approver, req)

    assert "Not stopped" in html
