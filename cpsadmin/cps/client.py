"""The only code in cpsadmin that sends HTTP to JD Cloud CPS.

Each call builds its own query string and body bytes, signs exactly those
(JDCLOUD2, §3 and §13 of docs/reference/jdcloud-cps-api.md) and maps the reply to typed,
frozen dataclasses or to one of two exceptions:

- CpsApiError: CPS answered with its error envelope (`code`, `status`, ...).
- CpsTransportError: no usable answer (timeout, refused, dropped connection,
  malformed JSON, an HTML error page from a proxy).

Retries: none by default, like the official SDKs. With `retry_once=True` a GET,
or a PUT that carries a clientToken (CPS runs a token only once), is sent once
more after a transport failure. Replies that did arrive are never retried.

Secrets (secret key, signature, Authorization header, reinstall password)
never reach logs or exception messages.
"""

import json
import logging
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from django.views.decorators.debug import sensitive_variables

from cpsadmin.cps.signing import sign_request

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://cps.jdcloud-api.com"
SIMULATOR_ENDPOINT = "http://cps.simulator.local"
SERVICE = "cps"
# describeRegiones has no regionId; both SDKs sign it with this region.
REGIONLESS_REGION = "jdcloud-api"
SIGNED_HEADERS = ("content-type", "host", "x-jdcloud-date", "x-jdcloud-nonce")
USER_AGENT = "cpsadmin/0.1 cps/2.4.3"
MAX_PAGE_SIZE = 100
MAX_CLIENT_TOKEN = 36
REQUEST_ID_HEADER = "x-jdcloud-request-id"


# --- Exceptions --------------------------------------------------------------


class CpsError(Exception):
    """Base for every CPS failure; `str()` is a sentence for humans."""

    def __init__(self, message: str, *, action: str, request_id: str = ""):
        super().__init__(message)
        self.action = action
        self.request_id = request_id


class CpsApiError(CpsError):
    """CPS answered with an error envelope: HTTP status = `code`."""

    def __init__(
        self, action: str, code: int, status: str, message: str, request_id: str = ""
    ):
        sentence = f"CPS {action} failed with {code} {status}: {message}"
        if request_id:
            sentence += f" (request {request_id})"
        super().__init__(sentence, action=action, request_id=request_id)
        self.code = code
        self.status = status
        self.message = message

    @property
    def is_not_found(self) -> bool:
        return self.code == 404 or self.status == "NOT_FOUND"


class CpsTransportError(CpsError):
    """No usable reply: timeout, refused, dropped, or not a JD envelope."""


# --- Models ------------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _to_str(value) -> str:
    return "" if value is None else str(value)


def _to_int(value) -> int:
    return 0 if value in (None, "") else int(value)


def _to_bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "yes", "1")
    return bool(value)


_COERCE = {str: _to_str, int: _to_int, bool: _to_bool}


def _parse(cls, data: Mapping, **nested):
    """Build a model from a camelCase JSON object; missing fields get defaults.

    Fields whose type is not str, int or bool must come in `nested`.
    """
    values = {}
    for f in fields(cls):
        if f.name in nested:
            values[f.name] = nested[f.name]
        else:
            values[f.name] = _COERCE[f.type](data.get(_camel(f.name)))
    return cls(**values)


@dataclass(frozen=True)
class Az:
    region: str
    az: str
    az_name: str


@dataclass(frozen=True)
class Region:
    region: str
    region_name: str
    azs: tuple[Az, ...] = ()


@dataclass(frozen=True)
class DeviceType:
    device_type: str
    name: str
    family: str
    region: str
    cpu_concise: str = ""
    cpu_detail: str = ""
    mem_concise: str = ""
    mem_detail: str = ""
    if_concise: str = ""
    if_detail: str = ""
    gpu_concise: str = ""
    gpu_detail: str = ""
    system_disk_amount: int = 0
    system_disk_size: int = 0
    system_disk_model: str = ""
    data_disk_amount: int = 0
    data_disk_size: int = 0
    data_disk_model: str = ""
    is_sold_out: bool = False


@dataclass(frozen=True)
class Os:
    os_type_id: str
    os_name: str
    os_type: str
    os_version: str
    device_type: str


@dataclass(frozen=True)
class Software:
    name: str
    version: str
    os_type_id: str
    description: str = ""


@dataclass(frozen=True)
class Raid:
    raid_type_id: str
    raid_type: str
    volume_type: str
    volume_detail: str
    device_type: str
    description: str = ""


@dataclass(frozen=True)
class Charge:
    charge_mode: str = ""
    charge_status: str = ""
    charge_start_time: str = ""
    charge_expired_time: str = ""
    charge_retire_time: str = ""


@dataclass(frozen=True)
class Instance:
    """A CPS server; `status` and `image_type` are kept exactly as received."""

    instance_id: str
    region: str = ""
    az: str = ""
    device_type: str = ""
    name: str = ""
    description: str = ""
    status: str = ""
    image_type: str = ""
    os_type_id: str = ""
    os_name: str = ""
    os_type: str = ""
    os_version: str = ""
    sys_raid_type_id: str = ""
    sys_raid_type: str = ""
    data_raid_type_id: str = ""
    data_raid_type: str = ""
    private_ip: str = ""
    public_ip: str = ""
    elastic_ip_id: str = ""
    network_type: str = ""
    interface_mode: str = ""
    vpc_id: str = ""
    vpc_name: str = ""
    subnet_id: str = ""
    subnet_name: str = ""
    enable_internet: str = ""
    enable_ipv6: str = ""
    bandwidth: int = 0
    line_type: str = ""
    ipv6_address: str = ""
    keypair_id: str = ""
    agent_status: str = ""
    cabinet: str = ""
    ilo_ip: str = ""
    pod_name: str = ""
    pod_room: str = ""
    charge: Charge | None = None


@dataclass(frozen=True)
class InstancePage:
    instances: tuple[Instance, ...]
    page_number: int
    page_size: int
    total_count: int


@dataclass(frozen=True)
class ActionResult:
    success: bool
    request_id: str


@dataclass(frozen=True)
class ReinstallSpec:
    """The `instanceSpec` of reinstallInstance; its repr hides the password.

    `keep_data` takes a bool or the wire strings "yes" / "no". `image_type`
    is sent as given (the product owner's doc spells it `Standard`).
    """

    az: str
    image_type: str
    os_type_id: str
    sys_raid_type_id: str
    data_raid_type_id: str
    keep_data: bool | str
    password: str = field(repr=False)
    softwares: tuple[Software, ...] = ()

    def to_json(self) -> dict:
        spec = {
            "az": self.az,
            "imageType": self.image_type,
            "osTypeId": self.os_type_id,
            "sysRaidTypeId": self.sys_raid_type_id,
            "dataRaidTypeId": self.data_raid_type_id,
            "keepData": _yes_no(self.keep_data),
            "password": self.password,
        }
        if self.softwares:
            spec["softwares"] = [_software_json(s) for s in self.softwares]
        return spec


def _yes_no(value: bool | str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _software_json(software: Software) -> dict:
    return {
        "name": software.name,
        "version": software.version,
        "osTypeId": software.os_type_id,
        "description": software.description,
    }


def _instance(data: Mapping) -> Instance:
    charge = data.get("charge")
    return _parse(Instance, data, charge=_parse(Charge, charge) if charge else None)


def _region(data: Mapping) -> Region:
    azs = tuple(_parse(Az, az) for az in data.get("azs") or ())
    return _parse(Region, data, azs=azs)


# --- Request helpers ---------------------------------------------------------


def _encode(value) -> str:
    # RFC 3986: only A-Z a-z 0-9 - _ . ~ stay; spaces become %20, hex is upper.
    if isinstance(value, bool):
        value = "true" if value else "false"
    return quote(str(value), safe="")


def encode_query(params: Mapping) -> str:
    """Sorted, RFC 3986 query string; None values are left out."""
    pairs = [(_encode(k), _encode(v)) for k, v in params.items() if v is not None]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def flatten_filters(filters: Mapping[str, list | tuple | None]) -> dict:
    """{"status": ["running"]} -> filters.1.name=status, filters.1.values.1=running."""
    params = {}
    index = 0
    for name, values in filters.items():
        if not values:
            continue
        index += 1
        params[f"filters.{index}.name"] = name
        for n, value in enumerate(values, start=1):
            params[f"filters.{index}.values.{n}"] = value
    return params


def _segment(value: str, what: str) -> str:
    if not value:
        raise ValueError(f"{what} is required")
    # "." and ".." would be resolved as a path step, reaching another resource.
    if value.strip(".") == "":
        raise ValueError(f"{what} cannot be {value!r}")
    return quote(value, safe="")


def _check_client_token(client_token: str | None) -> None:
    if client_token and len(client_token) > MAX_CLIENT_TOKEN:
        raise ValueError(f"clientToken must be at most {MAX_CLIENT_TOKEN} characters")


@dataclass(frozen=True)
class _Reply:
    result: dict
    request_id: str


# --- Client ------------------------------------------------------------------


class CpsClient:
    """Signed calls to the CPS OpenAPI. Cheap to build; use it as a context manager.

    `transport` is any httpx transport (MockTransport in tests, the simulator's
    in-process transport when no endpoint is configured).
    """

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        retry_once: bool = False,
    ):
        url = httpx.URL(endpoint or DEFAULT_ENDPOINT)
        self.endpoint = str(url).rstrip("/")
        self._origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        # An endpoint may carry a path prefix (a proxy); it is signed too.
        self._base_path = url.raw_path.decode("ascii").split("?")[0].rstrip("/")
        # Host as signed and sent: with :port unless it is 80 or 443.
        port = url.port
        self._host = url.host if port in (None, 80, 443) else f"{url.host}:{port}"
        self._access_key = access_key
        self._secret_key = secret_key
        self.timeout = timeout
        self.retry_once = retry_once
        self._transport = transport
        self._http: httpx.Client | None = None

    def __repr__(self) -> str:
        return f"<CpsClient {self.endpoint}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    @property
    def http(self) -> httpx.Client:
        # Built on first use: an httpx.Client costs an SSL context.
        if self._http is None:
            self._http = httpx.Client(
                transport=self._transport,
                timeout=self.timeout,
                follow_redirects=False,
                headers={"user-agent": USER_AGENT},
            )
        return self._http

    # --- Catalogue ------------------------------------------------------------

    def describe_regions(self) -> list[Region]:
        reply = self._get("describeRegiones", "/v1/regions", region=REGIONLESS_REGION)
        return self._parse_list(reply, "describeRegiones", "regions", _region)

    def describe_device_types(
        self, region: str, az: str | None = None
    ) -> list[DeviceType]:
        path = f"{self._region_path(region)}/deviceTypes"
        reply = self._get("describeDeviceTypes", path, region=region, query={"az": az})
        return self._parse_list(
            reply, "describeDeviceTypes", "deviceTypes", lambda d: _parse(DeviceType, d)
        )

    def describe_os(
        self, region: str, device_type: str, os_type: str | None = None
    ) -> list[Os]:
        query = {"deviceType": device_type, "osType": os_type}
        path = f"{self._region_path(region)}/os"
        reply = self._get("describeOS", path, region=region, query=query)
        return self._parse_list(reply, "describeOS", "oss", lambda d: _parse(Os, d))

    def describe_software(self, region: str, os_type_id: str) -> list[Software]:
        """Software for an OS. The live API dropped this call: expect a
        CpsApiError with `is_not_found` and offer no software list then."""
        os_id = _segment(os_type_id, "os_type_id")
        path = f"{self._region_path(region)}/os/{os_id}/softwares"
        reply = self._get("describeSoftware", path, region=region)
        return self._parse_list(
            reply, "describeSoftware", "softwares", lambda d: _parse(Software, d)
        )

    def describe_device_raids(
        self, region: str, device_type: str, volume_type: str | None = None
    ) -> list[Raid]:
        query = {"deviceType": device_type, "volumeType": volume_type}
        path = f"{self._region_path(region)}/raids"
        reply = self._get("describeDeviceRaids", path, region=region, query=query)
        return self._parse_list(
            reply, "describeDeviceRaids", "raids", lambda d: _parse(Raid, d)
        )

    # --- Instances ------------------------------------------------------------

    def describe_instances(
        self,
        region: str,
        *,
        page_number: int = 1,
        page_size: int = 20,
        name: str | None = None,
        az: str | None = None,
        device_type: str | None = None,
        instance_ids: list[str] | tuple[str, ...] | None = None,
        statuses: list[str] | tuple[str, ...] | None = None,
    ) -> InstancePage:
        query = {
            "pageNumber": page_number,
            "pageSize": page_size,
            "name": name,
            "az": az,
            "deviceType": device_type,
            **flatten_filters({"instanceId": instance_ids, "status": statuses}),
        }
        path = f"{self._region_path(region)}/instances"
        reply = self._get("describeInstances", path, region=region, query=query)
        return self._parsed(reply, "describeInstances", _instance_page)

    def iter_instances(self, region: str, **filters) -> Iterator[Instance]:
        """Every instance matching the filters, fetched 100 per page."""
        filters.pop("page_number", None)
        filters.pop("page_size", None)
        page_number, seen = 1, 0
        while True:
            page = self.describe_instances(
                region, page_number=page_number, page_size=MAX_PAGE_SIZE, **filters
            )
            yield from page.instances
            seen += len(page.instances)
            # An empty page also ends the loop, should totalCount be wrong.
            if not page.instances or seen >= page.total_count:
                return
            page_number += 1

    def describe_instance(self, region: str, instance_id: str) -> Instance:
        path = self._instance_path(region, instance_id)
        reply = self._get("describeInstance", path, region=region)
        return self._parsed(
            reply, "describeInstance", lambda r: _instance(r["instance"])
        )

    def stop_instance(
        self, region: str, instance_id: str, client_token: str | None = None
    ) -> ActionResult:
        return self._action("stopInstance", region, instance_id, {}, client_token)

    def start_instance(
        self, region: str, instance_id: str, client_token: str | None = None
    ) -> ActionResult:
        return self._action("startInstance", region, instance_id, {}, client_token)

    @sensitive_variables("spec", "body")
    def reinstall_instance(
        self,
        region: str,
        instance_id: str,
        spec: ReinstallSpec,
        client_token: str | None = None,
    ) -> ActionResult:
        body = {"instanceSpec": spec.to_json()}
        return self._action(
            "reinstallInstance", region, instance_id, body, client_token
        )

    # --- Plumbing -------------------------------------------------------------

    def _region_path(self, region: str) -> str:
        return f"/v1/regions/{_segment(region, 'region')}"

    def _instance_path(self, region: str, instance_id: str) -> str:
        instance = _segment(instance_id, "instance_id")
        return f"{self._region_path(region)}/instances/{instance}"

    @sensitive_variables("body")
    def _action(self, action, region, instance_id, body, client_token) -> ActionResult:
        _check_client_token(client_token)
        if client_token:
            body = {"clientToken": client_token, **body}
        # A literal colon on the wire, as the Python SDK sends; signed as %3A.
        path = f"{self._instance_path(region, instance_id)}:{action}"
        password = body.get("instanceSpec", {}).get("password", "")
        reply = self._send(
            action,
            "PUT",
            path,
            region=region,
            body=body,
            retry=bool(client_token),
            secrets=(password,),
        )
        return self._parsed(
            reply,
            action,
            lambda r: ActionResult(_to_bool(r["success"]), reply.request_id),
        )

    def _get(self, action, path, *, region, query=None) -> _Reply:
        return self._send(action, "GET", path, region=region, query=query, retry=True)

    @sensitive_variables("body", "content", "secrets")
    def _send(
        self,
        action,
        method,
        path,
        *,
        region,
        query=None,
        body=None,
        retry=False,
        secrets=(),
    ) -> _Reply:
        """Sign and send one call, then unwrap its envelope.

        Steps: encode the query and body once; for each attempt, sign exactly
        those bytes with a fresh date and nonce and send them; map the reply.
        """
        raw_query = encode_query(query or {})
        content = b""
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode("utf-8")
        path = self._base_path + path

        attempts = 2 if retry and self.retry_once else 1
        for attempt in range(1, attempts + 1):
            try:
                response, elapsed = self._attempt(
                    action, method, path, raw_query, content, region
                )
                break
            except CpsTransportError:
                if attempt == attempts:
                    raise
                logger.warning("CPS %s: retrying after a transport error", action)
        return self._unwrap(action, response, elapsed, secrets)

    def _signed_headers(self, method, path, raw_query, content, region) -> dict:
        headers = {
            "content-type": "application/json",
            "host": self._host,
            "x-jdcloud-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "x-jdcloud-nonce": str(uuid.uuid4()),
        }
        headers["authorization"] = sign_request(
            method,
            path,
            raw_query,
            headers,
            content,
            access_key=self._access_key,
            secret_key=self._secret_key,
            region=region,
            service=SERVICE,
            algorithm="JDCLOUD2",
            signed_headers=SIGNED_HEADERS,
        )
        return headers

    def _attempt(self, action, method, path, raw_query, content, region):
        headers = self._signed_headers(method, path, raw_query, content, region)
        # httpx keeps a pre-encoded URL byte for byte (a literal colon too),
        # so the server sees exactly the path and query that were signed.
        url = self._origin + path + ("?" + raw_query if raw_query else "")

        started = time.monotonic()
        try:
            response = self.http.request(method, url, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            message = f"CPS {action} timed out after {self.timeout:g}s"
            raise self._transport_error(action, message) from exc
        except httpx.ConnectError as exc:
            message = f"CPS {action} could not connect to {self._host}"
            raise self._transport_error(action, message) from exc
        except httpx.TransportError as exc:
            message = (
                f"CPS {action} lost the connection before a full reply "
                f"({type(exc).__name__})"
            )
            raise self._transport_error(action, message) from exc
        return response, time.monotonic() - started

    @staticmethod
    def _transport_error(action: str, message: str) -> CpsTransportError:
        logger.warning("%s", message)
        return CpsTransportError(message, action=action)

    def _unwrap(self, action, response, elapsed, secrets) -> _Reply:
        status = response.status_code
        try:
            envelope = json.loads(response.content)
        except ValueError:
            envelope = None
        envelope = envelope if isinstance(envelope, dict) else {}
        request_id = _to_str(envelope.get("requestId")) or response.headers.get(
            REQUEST_ID_HEADER, ""
        )
        logger.debug(
            "CPS %s answered %s (requestId %s) in %.0f ms",
            action,
            status,
            request_id or "-",
            elapsed * 1000,
        )

        error, result = envelope.get("error"), envelope.get("result")
        if isinstance(error, dict):
            raise self._api_error(action, status, error, request_id, secrets)
        if not 200 <= status < 300 or not isinstance(result, dict):
            raise self._unreadable(action, status, request_id)
        return _Reply(result, request_id)

    def _unreadable(self, action, status, request_id) -> CpsTransportError:
        if 200 <= status < 300:
            message = f"CPS {action} returned a reply that is not a JD Cloud envelope"
        else:
            message = f"CPS {action} answered HTTP {status} without a JD Cloud envelope"
        logger.warning("%s (requestId %s)", message, request_id or "-")
        return CpsTransportError(message, action=action, request_id=request_id)

    def _api_error(self, action, status, error, request_id, secrets) -> CpsApiError:
        code = error.get("code")
        code = code if isinstance(code, int) else status
        message = _to_str(error.get("message"))
        # A gateway could echo credentials or the password back: never pass
        # them on into logs or messages.
        for secret in (self._secret_key, self._access_key, *secrets):
            if not secret:
                continue
            # Also as a JSON string would quote it when a body is echoed, with
            # or without \uXXXX escapes; the longest form goes first.
            forms = {
                secret,
                json.dumps(secret, ensure_ascii=False)[1:-1],
                json.dumps(secret)[1:-1],
            }
            for form in sorted(forms, key=len, reverse=True):
                message = message.replace(form, "***")
        exc = CpsApiError(
            action,
            code,
            _to_str(error.get("status")) or "UNKNOWN",
            message,
            request_id,
        )
        # 4xx is the caller's to judge (404 from describeSoftware is normal).
        level = logging.WARNING if code >= 500 else logging.DEBUG
        logger.log(
            level,
            "CPS %s failed: %s %s (requestId %s)",
            action,
            code,
            exc.status,
            request_id or "-",
        )
        return exc

    def _parse_list(self, reply: _Reply, action: str, key: str, parse) -> list:
        return self._parsed(reply, action, lambda r: [parse(d) for d in r[key] or ()])

    def _parsed(self, reply: _Reply, action: str, parse):
        try:
            return parse(reply.result)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            message = f"CPS {action} returned a result in an unexpected shape"
            logger.warning("%s (requestId %s)", message, reply.request_id or "-")
            raise CpsTransportError(
                message, action=action, request_id=reply.request_id
            ) from exc


def _instance_page(result: Mapping) -> InstancePage:
    return InstancePage(
        instances=tuple(_instance(d) for d in result["instances"] or ()),
        page_number=_to_int(result.get("pageNumber")),
        page_size=_to_int(result.get("pageSize")),
        total_count=_to_int(result.get("totalCount")),
    )


def get_client() -> CpsClient:
    """A client built from settings; no CPS_ENDPOINT means the simulator."""
    from django.conf import settings

    if settings.CPS_ENDPOINT:
        return CpsClient(
            settings.CPS_ENDPOINT,
            settings.CPS_ACCESS_KEY,
            settings.CPS_SECRET_KEY,
            timeout=settings.CPS_TIMEOUT,
        )

    # Imported here so this module loads without the simulator app.
    from cpsadmin.simulator import get_simulator
    from cpsadmin.simulator.transport import SimulatorTransport

    return CpsClient(
        SIMULATOR_ENDPOINT,
        settings.CPS_ACCESS_KEY,
        settings.CPS_SECRET_KEY,
        timeout=settings.CPS_TIMEOUT,
        transport=SimulatorTransport(get_simulator()),
    )
