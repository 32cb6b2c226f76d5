"""CpsClient against an httpx.MockTransport: the bytes it sends, what it returns."""

import hashlib
import json
import logging
import re
import uuid

import httpx
import pytest

from cpsadmin.cps.client import (
    ActionResult,
    CpsApiError,
    CpsClient,
    CpsTransportError,
    Instance,
    ReinstallSpec,
    Software,
    get_client,
)
from cpsadmin.cps.signing import SignatureError
from tests.cps.conftest import (
    SECRET_KEY,
    envelope,
    error_envelope,
    verify,
)

PASSWORD = "S3cret!Passw0rd"
STOP_PATH = b"/v1/regions/cn-north-1/instances/cps-abc123:stopInstance"


def make_spec(**overrides):
    values = {
        "az": "cn-north-1a",
        "image_type": "Standard",
        "os_type_id": "os-centos7",
        "sys_raid_type_id": "raid-sys-1",
        "data_raid_type_id": "raid-data-0",
        "keep_data": "no",
        "password": PASSWORD,
    }
    return ReinstallSpec(**{**values, **overrides})


INSTANCE_JSON = {
    "instanceId": "cps-abc123",
    "region": "cn-north-1",
    "az": "cn-north-1a",
    "deviceType": "cps.c.normal",
    "name": "web01",
    "status": "stopped",
    "imageType": "standard",
    "osTypeId": "os-centos7",
    "osName": "CentOS 7.2(x86_64)",
    "privateIp": "10.0.0.5",
    "bandwidth": 5,
    "charge": {"chargeMode": "postpaid_by_usage", "chargeStatus": "normal"},
    "someFutureField": "ignored",
}


# --- What goes on the wire ---------------------------------------------------


def test_stop_sends_a_literal_colon_in_the_path(cps_client, fake_cps):
    cps_client.stop_instance("cn-north-1", "cps-abc123")

    assert fake_cps.last.method == "PUT"
    assert fake_cps.last.url.raw_path == STOP_PATH


def test_stop_signature_verifies_with_both_colon_spellings(cps_client, fake_cps):
    cps_client.stop_instance("cn-north-1", "cps-abc123")
    request = fake_cps.last
    encoded = httpx.Request(
        "PUT",
        str(request.url).replace(":stopInstance", "%3AstopInstance"),
        headers=request.headers,
        content=request.content,
    )

    assert verify(request) == "test-ak"
    assert verify(encoded) == "test-ak"


def test_describe_instances_sends_a_sorted_rfc3986_query(cps_client, fake_cps):
    fake_cps.reply(envelope({"instances": [], "totalCount": 0}))

    cps_client.describe_instances(
        "cn-north-1", name="web 01", statuses=["running", "stopped"]
    )

    assert fake_cps.last.url.raw_path == (
        b"/v1/regions/cn-north-1/instances"
        b"?filters.1.name=status&filters.1.values.1=running"
        b"&filters.1.values.2=stopped&name=web%2001&pageNumber=1&pageSize=20"
    )
    assert verify(fake_cps.last) == "test-ak"


def test_describe_instances_numbers_each_filter(cps_client, fake_cps):
    fake_cps.reply(envelope({"instances": [], "totalCount": 0}))

    cps_client.describe_instances("cn-north-1", instance_ids=["a", "b"], statuses=["x"])

    params = fake_cps.last.url.params
    assert params.get("filters.1.name") == "instanceId"
    assert params.get_list("filters.1.values.2") == ["b"]
    assert params.get("filters.2.name") == "status"
    assert params.get("filters.2.values.1") == "x"


def test_every_call_signs_content_type_host_date_and_nonce(cps_client, fake_cps):
    cps_client.stop_instance("cn-north-1", "cps-abc123")
    headers = fake_cps.last.headers

    assert headers["authorization"].startswith(
        "JDCLOUD2-HMAC-SHA256 Credential=test-ak/"
    )
    assert "/cn-north-1/cps/jdcloud2_request, " in headers["authorization"]
    assert (
        "SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, "
        in (headers["authorization"])
    )
    assert headers["content-type"] == "application/json"
    assert headers["host"] == "cps.jdcloud-api.com"
    assert re.fullmatch(r"\d{8}T\d{6}Z", headers["x-jdcloud-date"])
    assert uuid.UUID(headers["x-jdcloud-nonce"]).version == 4


def test_each_call_gets_a_fresh_nonce(cps_client, fake_cps):
    cps_client.stop_instance("cn-north-1", "cps-abc123")
    cps_client.stop_instance("cn-north-1", "cps-abc123")

    nonces = {r.headers["x-jdcloud-nonce"] for r in fake_cps.requests}
    assert len(nonces) == 2


def test_describe_regions_is_signed_with_region_jdcloud_api(cps_client, fake_cps):
    fake_cps.reply(envelope({"regions": []}))

    cps_client.describe_regions()

    assert fake_cps.last.url.raw_path == b"/v1/regions"
    assert "/jdcloud-api/cps/jdcloud2_request" in fake_cps.last.headers["authorization"]
    assert verify(fake_cps.last) == "test-ak"


@pytest.mark.parametrize(
    "endpoint,host",
    [
        ("http://localhost:8000", "localhost:8000"),
        ("https://cps.jdcloud-api.com:443", "cps.jdcloud-api.com"),
        ("http://cps.simulator.local:80/", "cps.simulator.local"),
    ],
)
def test_host_carries_the_port_unless_it_is_80_or_443(
    make_client, fake_cps, endpoint, host
):
    make_client(endpoint).stop_instance("cn-north-1", "cps-abc123")

    assert fake_cps.last.headers["host"] == host
    assert verify(fake_cps.last) == "test-ak"


def test_an_endpoint_path_prefix_is_sent_and_signed(make_client, fake_cps):
    make_client("http://localhost:9000/cps/").stop_instance("cn-north-1", "cps-1")

    assert fake_cps.last.url.raw_path == (
        b"/cps/v1/regions/cn-north-1/instances/cps-1:stopInstance"
    )
    assert verify(fake_cps.last) == "test-ak"


def test_reinstall_sends_exactly_the_bytes_it_signed(cps_client, fake_cps):
    cps_client.reinstall_instance("cn-north-1", "cps-abc123", make_spec(), "tok-1")
    request = fake_cps.last

    assert (
        request.content
        == json.dumps(
            {
                "clientToken": "tok-1",
                "instanceSpec": {
                    "az": "cn-north-1a",
                    "imageType": "Standard",
                    "osTypeId": "os-centos7",
                    "sysRaidTypeId": "raid-sys-1",
                    "dataRaidTypeId": "raid-data-0",
                    "keepData": "no",
                    "password": PASSWORD,
                },
            },
            separators=(",", ":"),
        ).encode()
    )
    assert request.url.raw_path.endswith(b"/cps-abc123:reinstallInstance")
    assert verify(request) == "test-ak"


def test_a_changed_body_byte_breaks_the_signature(cps_client, fake_cps):
    cps_client.reinstall_instance("cn-north-1", "cps-abc123", make_spec())
    request = fake_cps.last
    tampered = httpx.Request(
        "PUT",
        request.url,
        headers=request.headers,
        content=request.content.replace(b'"no"', b'"yes"'),
    )

    with pytest.raises(SignatureError, match="sign result is not same"):
        verify(tampered)


def test_reinstall_omits_client_token_and_softwares_when_absent(cps_client, fake_cps):
    cps_client.reinstall_instance("cn-north-1", "cps-abc123", make_spec())

    body = fake_cps.last_json()
    assert "clientToken" not in body
    assert "softwares" not in body["instanceSpec"]


def test_reinstall_sends_softwares_and_keep_data_as_yes(cps_client, fake_cps):
    mysql = Software("mysql", "5.7", "os-centos7", "database")
    spec = make_spec(softwares=(mysql,), keep_data=True)

    cps_client.reinstall_instance("cn-north-1", "cps-abc123", spec)

    sent = fake_cps.last_json()["instanceSpec"]
    assert sent["keepData"] == "yes"
    assert sent["softwares"] == [
        {
            "name": "mysql",
            "version": "5.7",
            "osTypeId": "os-centos7",
            "description": "database",
        }
    ]


def test_a_client_token_over_36_characters_is_refused_before_sending(
    cps_client, fake_cps
):
    with pytest.raises(ValueError, match="36"):
        cps_client.reinstall_instance("cn-north-1", "cps-1", make_spec(), "x" * 37)

    assert fake_cps.requests == []


def test_a_client_token_of_36_characters_is_sent(cps_client, fake_cps):
    token = str(uuid.uuid4())

    cps_client.stop_instance("cn-north-1", "cps-1", client_token=token)

    assert fake_cps.last_json() == {"clientToken": token}


def test_get_requests_send_an_empty_body_hashed_as_empty(cps_client, fake_cps):
    fake_cps.reply(envelope({"oss": []}))

    cps_client.describe_os("cn-north-1", "cps.c.normal", os_type="CentOS")

    assert fake_cps.last.content == b""
    assert hashlib.sha256(fake_cps.last.content).hexdigest().startswith("e3b0c442")
    assert fake_cps.last.url.raw_path == (
        b"/v1/regions/cn-north-1/os?deviceType=cps.c.normal&osType=CentOS"
    )
    assert verify(fake_cps.last) == "test-ak"


def test_path_segments_are_percent_encoded(cps_client, fake_cps):
    fake_cps.reply(envelope({"instance": {"instanceId": "a b"}}))

    cps_client.describe_instance("cn-north-1", "a b/../x")

    assert fake_cps.last.url.raw_path == (
        b"/v1/regions/cn-north-1/instances/a%20b%2F..%2Fx"
    )


def test_an_empty_instance_id_is_refused(cps_client):
    with pytest.raises(ValueError, match="instance_id"):
        cps_client.stop_instance("cn-north-1", "")


# --- Typed results -----------------------------------------------------------


def test_describe_regions_returns_regions_with_their_azs(cps_client, fake_cps):
    az = {"region": "cn-north-1", "az": "cn-north-1a", "azName": "可用区A"}
    fake_cps.reply(
        envelope(
            {
                "regions": [
                    {"region": "cn-north-1", "regionName": "华北-北京", "azs": [az]}
                ]
            }
        )
    )

    (region,) = cps_client.describe_regions()

    assert region.region_name == "华北-北京"
    assert region.azs[0].az == "cn-north-1a"
    assert region.azs[0].az_name == "可用区A"


def test_describe_device_types_parses_numbers_and_flags(cps_client, fake_cps):
    device = {
        "deviceType": "cps.c.normal",
        "name": "标准计算型",
        "family": "计算",
        "region": "cn-north-1",
        "cpuConcise": "2*E5-2630",
        "systemDiskAmount": 2,
        "dataDiskSize": 960,
        "isSoldOut": True,
    }
    fake_cps.reply(envelope({"deviceTypes": [device]}))

    (device_type,) = cps_client.describe_device_types("cn-north-1", az="cn-north-1a")

    assert device_type.device_type == "cps.c.normal"
    assert device_type.system_disk_amount == 2
    assert device_type.data_disk_size == 960
    assert device_type.is_sold_out is True
    assert device_type.gpu_concise == ""
    assert fake_cps.last.url.params["az"] == "cn-north-1a"


def test_describe_os_returns_os_entries(cps_client, fake_cps):
    os_json = {
        "osTypeId": "os-1",
        "osName": "Ubuntu 16.04(x86_64)",
        "osType": "ubuntu",
        "osVersion": "16.04",
        "deviceType": "cps.c.normal",
    }
    fake_cps.reply(envelope({"oss": [os_json]}))

    (os_entry,) = cps_client.describe_os("cn-north-1", "cps.c.normal")

    assert os_entry.os_type_id == "os-1"
    assert os_entry.os_version == "16.04"
    assert "osType" not in fake_cps.last.url.params


def test_describe_software_asks_for_the_os_softwares(cps_client, fake_cps):
    item = {"name": "mysql", "version": "5.7", "osTypeId": "os-1", "description": ""}
    fake_cps.reply(envelope({"softwares": [item]}))

    (software,) = cps_client.describe_software("cn-north-1", "os-1")

    assert software == Software("mysql", "5.7", "os-1", "")
    assert fake_cps.last.url.raw_path == b"/v1/regions/cn-north-1/os/os-1/softwares"


def test_describe_software_404_is_an_api_error_that_reads_as_not_found(
    cps_client, fake_cps
):
    fake_cps.reply(error_envelope(404, "NOT_FOUND", "resource not found"))

    with pytest.raises(CpsApiError) as caught:
        cps_client.describe_software("cn-north-1", "os-1")

    assert caught.value.is_not_found


def test_describe_device_raids_sends_device_and_volume_type(cps_client, fake_cps):
    raid = {
        "raidTypeId": "r-1",
        "raidType": "RAID1",
        "volumeType": "system",
        "volumeDetail": "2*600G SAS",
        "deviceType": "cps.c.normal",
        "description": "mirror",
    }
    fake_cps.reply(envelope({"raids": [raid]}))

    (result,) = cps_client.describe_device_raids("cn-north-1", "cps.c.normal", "system")

    assert result.raid_type == "RAID1"
    assert result.volume_detail == "2*600G SAS"
    assert fake_cps.last.url.raw_path.endswith(
        b"/raids?deviceType=cps.c.normal&volumeType=system"
    )


def test_describe_instance_returns_an_instance_as_received(cps_client, fake_cps):
    fake_cps.reply(envelope({"instance": INSTANCE_JSON}))

    instance = cps_client.describe_instance("cn-north-1", "cps-abc123")

    assert isinstance(instance, Instance)
    assert instance.instance_id == "cps-abc123"
    assert instance.status == "stopped"
    assert instance.image_type == "standard"
    assert instance.private_ip == "10.0.0.5"
    assert instance.bandwidth == 5
    assert instance.charge.charge_mode == "postpaid_by_usage"
    assert instance.description == ""


def test_describe_instances_returns_a_page(cps_client, fake_cps):
    fake_cps.reply(
        envelope(
            {
                "instances": [INSTANCE_JSON],
                "pageNumber": 2,
                "pageSize": 20,
                "totalCount": 21,
            }
        )
    )

    page = cps_client.describe_instances("cn-north-1", page_number=2)

    assert page.page_number == 2
    assert page.total_count == 21
    assert page.instances[0].name == "web01"


def test_iter_instances_walks_every_page_100_at_a_time(cps_client, fake_cps):
    def page(request):
        number = int(request.url.params["pageNumber"])
        count = 100 if number < 3 else 50
        instances = [{"instanceId": f"cps-{number}-{i}"} for i in range(count)]
        return envelope(
            {
                "instances": instances,
                "pageNumber": number,
                "pageSize": 100,
                "totalCount": 250,
            }
        )

    fake_cps.reply(page, page, page)

    ids = [i.instance_id for i in cps_client.iter_instances("cn-north-1", az="a")]

    assert len(ids) == 250
    assert len(set(ids)) == 250
    assert [r.url.params["pageNumber"] for r in fake_cps.requests] == ["1", "2", "3"]
    assert {r.url.params["pageSize"] for r in fake_cps.requests} == {"100"}
    assert {r.url.params["az"] for r in fake_cps.requests} == {"a"}


def test_iter_instances_stops_on_an_empty_page(cps_client, fake_cps):
    fake_cps.reply(envelope({"instances": [], "totalCount": 999}))

    assert list(cps_client.iter_instances("cn-north-1")) == []
    assert len(fake_cps.requests) == 1


def test_actions_return_success_and_the_request_id(cps_client, fake_cps):
    fake_cps.reply(envelope({"success": True}, request_id="req-42"))

    result = cps_client.start_instance("cn-north-1", "cps-abc123")

    assert result == ActionResult(success=True, request_id="req-42")
    assert fake_cps.last.url.raw_path.endswith(b":startInstance")


# --- Errors --------------------------------------------------------------------


def test_an_error_envelope_becomes_a_cps_api_error(cps_client, fake_cps):
    fake_cps.reply(
        error_envelope(
            400, "FAILED_PRECONDITION", "Invalid instance status running", "req-9"
        )
    )

    with pytest.raises(CpsApiError) as caught:
        cps_client.reinstall_instance("cn-north-1", "cps-abc123", make_spec())

    error = caught.value
    assert (error.code, error.status, error.request_id) == (
        400,
        "FAILED_PRECONDITION",
        "req-9",
    )
    assert error.message == "Invalid instance status running"
    assert error.action == "reinstallInstance"
    assert str(error) == (
        "CPS reinstallInstance failed with 400 FAILED_PRECONDITION: "
        "Invalid instance status running (request req-9)"
    )


def test_the_request_id_falls_back_to_the_response_header(cps_client, fake_cps):
    body = {"error": {"code": 401, "status": "ACCESS_ERROR", "message": "x"}}
    fake_cps.reply(
        httpx.Response(401, json=body, headers={"x-jdcloud-request-id": "hdr-1"})
    )

    with pytest.raises(CpsApiError) as caught:
        cps_client.describe_regions()

    assert caught.value.request_id == "hdr-1"
    assert caught.value.status == "ACCESS_ERROR"


@pytest.mark.parametrize(
    "code,status",
    [(404, "NOT_FOUND"), (429, "RATE_LIMIT"), (500, "INTERNAL"), (503, "UNAVAILABLE")],
)
def test_each_error_status_keeps_its_code_and_category(
    cps_client, fake_cps, code, status
):
    fake_cps.reply(error_envelope(code, status, "boom"))

    with pytest.raises(CpsApiError) as caught:
        cps_client.describe_instance("cn-north-1", "cps-1")

    assert (caught.value.code, caught.value.status) == (code, status)


def test_a_timeout_is_a_transport_error_naming_the_action(cps_client, fake_cps):
    fake_cps.reply(httpx.ReadTimeout("timed out"))

    with pytest.raises(CpsTransportError) as caught:
        cps_client.describe_os("cn-north-1", "cps.c.normal")

    assert str(caught.value) == "CPS describeOS timed out after 10s"
    assert caught.value.action == "describeOS"


def test_a_refused_connection_is_a_transport_error(cps_client, fake_cps):
    fake_cps.reply(httpx.ConnectError("connection refused"))

    with pytest.raises(CpsTransportError, match="could not connect"):
        cps_client.describe_regions()


def test_a_dropped_connection_is_a_transport_error(cps_client, fake_cps):
    fake_cps.reply(httpx.RemoteProtocolError("peer closed connection"))

    with pytest.raises(CpsTransportError, match="lost the connection"):
        cps_client.stop_instance("cn-north-1", "cps-1")


def test_malformed_json_is_a_transport_error(cps_client, fake_cps):
    fake_cps.reply(httpx.Response(200, content=b'{"requestId": "r", "result": {'))

    with pytest.raises(CpsTransportError, match="not a JD Cloud envelope"):
        cps_client.describe_regions()


def test_an_html_502_page_is_a_transport_error_with_the_header_request_id(
    cps_client, fake_cps
):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    fake_cps.reply(
        httpx.Response(
            502,
            content=page,
            headers={"content-type": "text/html", "x-jdcloud-request-id": "gw-7"},
        )
    )

    with pytest.raises(CpsTransportError) as caught:
        cps_client.describe_instances("cn-north-1")

    assert str(caught.value) == (
        "CPS describeInstances answered HTTP 502 without a JD Cloud envelope"
    )
    assert caught.value.request_id == "gw-7"


def test_a_result_of_the_wrong_shape_is_a_transport_error(cps_client, fake_cps):
    fake_cps.reply(envelope({"instances": "not a list", "totalCount": "many"}))

    with pytest.raises(CpsTransportError, match="unexpected shape"):
        cps_client.describe_instances("cn-north-1")


def test_a_reply_without_result_is_a_transport_error(cps_client, fake_cps):
    fake_cps.reply(httpx.Response(200, json={"requestId": "r"}))

    with pytest.raises(CpsTransportError):
        cps_client.stop_instance("cn-north-1", "cps-1")


# --- Retries -----------------------------------------------------------------


def test_nothing_is_retried_by_default(cps_client, fake_cps):
    fake_cps.reply(httpx.ConnectError("refused"), envelope({"regions": []}))

    with pytest.raises(CpsTransportError):
        cps_client.describe_regions()

    assert len(fake_cps.requests) == 1


def test_a_get_may_be_retried_once_after_a_transport_error(make_client, fake_cps):
    client = make_client(retry_once=True)
    fake_cps.reply(httpx.ConnectError("refused"), envelope({"regions": []}))

    assert client.describe_regions() == []
    assert len(fake_cps.requests) == 2


def test_a_put_without_a_client_token_is_never_retried(make_client, fake_cps):
    client = make_client(retry_once=True)
    fake_cps.reply(httpx.ReadTimeout("slow"), envelope({"success": True}))

    with pytest.raises(CpsTransportError):
        client.stop_instance("cn-north-1", "cps-1")

    assert len(fake_cps.requests) == 1


def test_a_put_with_a_client_token_is_retried_with_the_same_body(make_client, fake_cps):
    client = make_client(retry_once=True)
    fake_cps.reply(httpx.ReadTimeout("slow"), envelope({"success": True}))

    client.reinstall_instance("cn-north-1", "cps-1", make_spec(), "tok-1")

    first, second = fake_cps.requests
    assert first.content == second.content
    assert verify(second) == "test-ak"


def test_api_errors_are_never_retried(make_client, fake_cps):
    client = make_client(retry_once=True)
    fake_cps.reply(error_envelope(503, "UNAVAILABLE", "busy"), envelope({}))

    with pytest.raises(CpsApiError):
        client.describe_regions()

    assert len(fake_cps.requests) == 1


# --- Secrets -------------------------------------------------------------------


def test_reinstall_spec_repr_and_str_hide_the_password():
    spec = make_spec()

    assert PASSWORD not in repr(spec)
    assert PASSWORD not in str(spec)
    assert "os-centos7" in repr(spec)


def test_an_echoed_password_is_removed_from_the_error(cps_client, fake_cps):
    fake_cps.reply(
        error_envelope(400, "INVALID_ARGUMENT", f"Invalid password {PASSWORD}")
    )

    with pytest.raises(CpsApiError) as caught:
        cps_client.reinstall_instance("cn-north-1", "cps-1", make_spec())

    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in caught.value.message


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_password_echoed_inside_quoted_json_is_removed_too(
    cps_client, fake_cps, ensure_ascii
):
    password = 'Pa"ss\\wörd1'
    quoted = json.dumps({"password": password}, ensure_ascii=ensure_ascii)
    fake_cps.reply(error_envelope(400, "INVALID_ARGUMENT", f"Bad body {quoted}"))

    with pytest.raises(CpsApiError) as caught:
        cps_client.reinstall_instance(
            "cn-north-1", "cps-1", make_spec(password=password)
        )

    assert caught.value.message == 'Bad body {"password": "***"}'


def test_no_secret_reaches_the_logs(cps_client, fake_cps, caplog):
    caplog.set_level(logging.DEBUG)
    fake_cps.reply(
        envelope({"success": True}),
        error_envelope(500, "INTERNAL", f"bad {PASSWORD} {SECRET_KEY}"),
        httpx.ReadTimeout("slow"),
        httpx.Response(502, content=b"<html>oops</html>"),
    )

    cps_client.reinstall_instance("cn-north-1", "cps-1", make_spec(), "tok-1")
    signature = fake_cps.last.headers["authorization"].rsplit("=", 1)[1]
    for _ in range(3):
        with pytest.raises((CpsApiError, CpsTransportError)):
            cps_client.reinstall_instance("cn-north-1", "cps-1", make_spec())

    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "reinstallInstance" in text
    for secret in (PASSWORD, SECRET_KEY, signature, "Authorization", "authorization"):
        assert secret not in text


def test_the_client_repr_shows_no_credentials(cps_client):
    assert SECRET_KEY not in repr(cps_client)
    assert "test-ak" not in repr(cps_client)


# --- Lifecycle and settings ----------------------------------------------------


def test_building_a_client_opens_no_http_client_until_the_first_call(cps_client):
    assert cps_client._http is None


def test_the_client_is_a_context_manager_that_closes_its_http_client(make_client):
    with make_client() as client:
        client.stop_instance("cn-north-1", "cps-1")
        http = client.http

    assert http.is_closed
    assert client._http is None


def test_one_http_client_serves_every_call(cps_client):
    cps_client.stop_instance("cn-north-1", "cps-1")
    first = cps_client.http
    cps_client.start_instance("cn-north-1", "cps-1")

    assert cps_client.http is first


def test_get_client_uses_the_configured_endpoint(settings):
    settings.CPS_ENDPOINT = "https://cps.example.test"
    settings.CPS_ACCESS_KEY = "prod-ak"
    settings.CPS_SECRET_KEY = "prod-sk"
    settings.CPS_TIMEOUT = 3.5

    client = get_client()

    assert isinstance(client, CpsClient)
    assert client.endpoint == "https://cps.example.test"
    assert client.timeout == 3.5


def test_get_client_without_an_endpoint_talks_to_the_simulator(settings):
    pytest.importorskip("cpsadmin.simulator.transport")
    settings.CPS_ENDPOINT = ""

    with get_client() as client:
        regions = client.describe_regions()

    assert client.endpoint == "http://cps.simulator.local"
    assert regions


@pytest.mark.parametrize("bad", [".", "..", "..."])
def test_a_dot_segment_id_is_refused_before_anything_is_sent(cps_client, fake_cps, bad):
    with pytest.raises(ValueError, match="cannot be"):
        cps_client.describe_instance("cn-north-1", bad)

    assert fake_cps.requests == []
