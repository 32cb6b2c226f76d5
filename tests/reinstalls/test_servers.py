"""The servers page: list, filter, htmx rows, scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpsadmin.accounts.roles import Role
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, REGION, WEB_01, WEB_04

URL = reverse("reinstalls:servers")
DB_01 = "cps-h5dnsipzz5fk2z9r"  # running, cps.c.highmem
CACHE_02 = "cps-344tfjgvq4k7bn7x"  # error


@pytest.fixture
def as_requester(signed_in, requester):
    return signed_in(requester)


def test_requester_sees_every_server_of_the_region_across_pages(as_requester):
    response = as_requester.get(URL, {"region": REGION})

    assert response.status_code == 200
    rows = response.context["rows"]
    # cn-north-1 holds 22 servers: more than one describeInstances page.
    assert len(rows) == 22
    assert "web-01" in response.text
    assert "legacy-01" in response.text


def test_page_shows_the_region_picker_from_describe_regiones(as_requester):
    response = as_requester.get(URL)

    assert 'value="cn-east-2"' in response.text
    assert "华南-广州" in response.text


def test_first_region_is_shown_without_a_choice(as_requester):
    response = as_requester.get(URL)

    assert response.context["region"] == REGION


def test_search_matches_names_and_ids(as_requester):
    by_name = as_requester.get(URL, {"region": REGION, "q": "WEB-0"})
    by_id = as_requester.get(URL, {"region": REGION, "q": WEB_04})

    assert {r.instance.name for r in by_name.context["rows"]} == {
        "web-01",
        "web-02",
        "web-03",
        "web-04",
        "web-05",
        "web-06",
    }
    assert [r.instance.instance_id for r in by_id.context["rows"]] == [WEB_04]


def test_status_filter_keeps_only_that_status(as_requester):
    response = as_requester.get(URL, {"region": REGION, "status": "stopped"})

    statuses = {r.instance.status for r in response.context["rows"]}
    assert statuses == {"stopped"}


def test_unknown_status_is_shown_verbatim(as_requester, cps_simulator):
    cps_simulator.set_status(CACHE_02, "being-repaired")

    response = as_requester.get(URL, {"region": REGION})

    assert ">being-repaired</span>" in response.text


def test_known_statuses_get_coloured_badges(as_requester):
    response = as_requester.get(URL, {"region": REGION})

    assert '<span class="badge text-bg-success">running</span>' in response.text
    assert '<span class="badge text-bg-danger">error</span>' in response.text


def test_reinstall_is_offered_only_for_stopped_and_stop_only_for_running(
    as_requester,
):
    response = as_requester.get(URL, {"region": REGION})

    reinstall_web_04 = reverse("reinstalls:reinstall", args=[REGION, WEB_04])
    reinstall_web_01 = reverse("reinstalls:reinstall", args=[REGION, WEB_01])
    stop_web_01 = reverse("reinstalls:stop", args=[REGION, WEB_01])
    stop_web_04 = reverse("reinstalls:stop", args=[REGION, WEB_04])
    assert reinstall_web_04 in response.text
    assert reinstall_web_01 not in response.text
    assert stop_web_01 in response.text
    assert stop_web_04 not in response.text


def test_htmx_filter_gets_only_the_rows(as_requester):
    response = as_requester.get(
        URL, {"region": REGION, "q": "db-"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="server-rows">')
    assert "<html" not in response.text
    assert "db-01" in response.text
    assert "web-01" not in response.text
    assert "HX-Request" in response["Vary"]


def test_full_page_carries_the_filter_form_and_rows(as_requester):
    response = as_requester.get(URL, {"region": REGION})

    assert "<html" in response.text
    assert 'id="server-filter"' in response.text
    assert 'id="server-rows"' in response.text
    assert "HX-Request" in response["Vary"]


def test_requester_scoped_to_web_servers_does_not_see_db_servers(signed_in, db):
    web_only = make_user("walter", Role.REQUESTER, scope="web-*")

    response = signed_in(web_only).get(URL, {"region": REGION})

    names = {r.instance.name for r in response.context["rows"]}
    assert names == {f"web-0{n}" for n in range(1, 7)}
    assert DB_01 not in response.text


def test_outsider_is_refused(signed_in, outsider):
    assert signed_in(outsider).get(URL).status_code == 403


def test_approver_without_the_requester_role_is_refused(signed_in, approver):
    assert signed_in(approver).get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_cps_error_is_shown_with_status_and_request_id(as_requester, cps_simulator):
    cps_simulator.inject_fault("status", status=503, action="describeInstances")

    response = as_requester.get(URL, {"region": REGION})

    assert response.status_code == 200
    assert "Loading the server list from CPS failed." in response.text
    assert "503 UNAVAILABLE" in response.text
    problem = response.context["cps_problem"]
    assert problem.request_id
    assert problem.request_id in response.text


# --- Following transitions ---------------------------------------------------------


def test_rows_poll_themselves_while_a_server_is_stopping(as_requester, cps_simulator):
    cps_simulator.set_status(WEB_01, "stopping")

    response = as_requester.get(
        URL, {"region": REGION, "q": "web"}, headers={"HX-Request": "true"}
    )

    same_rows = f"{URL}?region={REGION}&amp;q=web"
    assert f'<div id="server-rows" hx-get="{same_rows}"' in response.text
    assert 'hx-trigger="every 3s" hx-swap="outerHTML"' in response.text


def test_rows_stop_polling_once_every_server_has_settled(as_requester):
    response = as_requester.get(URL, {"region": REGION}, headers={"HX-Request": "true"})

    assert "hx-trigger" not in response.text
    assert "hx-get" not in response.text


def test_filter_form_keeps_the_region_in_the_address(as_requester):
    response = as_requester.get(URL, {"region": REGION})

    [form] = re.findall(r"<form[^>]*server-filter[^>]*>", response.text)
    assert 'hx-push-url="true"' in form


# --- Open requests -----------------------------------------------------------------


def test_server_with_an_open_request_links_to_it_instead_of_reinstall(
    as_requester, requester, make_request
):
    req = make_request(requester)

    response = as_requester.get(URL, {"region": REGION})

    assert f'href="{req.get_absolute_url()}">Request #{req.pk} open</a>' in (
        response.text
    )
    assert reverse("reinstalls:reinstall", args=[REGION, WEB_04]) not in response.text


def test_open_request_of_someone_else_is_named_without_a_link(
    signed_in, requester, make_request, db
):
    req = make_request(requester)
    other = make_user("olga", Role.REQUESTER)

    response = signed_in(other).get(URL, {"region": REGION})

    assert f"Request #{req.pk} open" in response.text
    assert req.get_absolute_url() not in response.text
    assert reverse("reinstalls:reinstall", args=[REGION, WEB_04]) not in response.text


def test_open_requests_cost_one_query_however_many_there_are(
    as_requester, requester, make_request
):
    make_request(requester, WEB_04)
    as_requester.get(URL, {"region": REGION})  # warm the session
    with CaptureQueriesContext(connection) as one:
        as_requester.get(URL, {"region": REGION})

    make_request(requester, DB_03)
    with CaptureQueriesContext(connection) as two:
        response = as_requester.get(URL, {"region": REGION})

    assert response.text.count(" open</a>") == 2
    assert len(two.captured_queries) == len(one.captured_queries)


# --- CPS errors ----------------------------------------------------------------------


def test_failed_server_list_offers_to_try_again_and_claims_no_empty_match(
    as_requester, cps_simulator
):
    cps_simulator.inject_fault("status", status=503, action="describeInstances")

    response = as_requester.get(URL, {"region": REGION, "q": "web"})

    retry = f"{URL}?region={REGION}&amp;q=web"
    assert f'href="{retry}" data-cps-retry>Try again</a>' in response.text
    assert "No servers match." not in response.text
