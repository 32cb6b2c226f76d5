"""The simulated CPS API: routing, validation, lifecycle, idempotency, faults.

`Simulator.handle()` takes a request as bytes and strings, exactly as it came
off the wire, and returns `(status, headers, body)`. The in-process transport
and the socket server both call `Simulator.respond()`, which returns a `Reply`
that also says how long to delay it and whether to drop the connection, so each
front end can act that out its own way.

Time is the injectable `clock` plus whatever `advance()` added. Transitions
(stopping, starting, reinstalling) are stored as "becomes X at time T" and
settled on each access, so there are no background threads and tests are
deterministic.
"""

import json
import logging
import random
import re
import time
import uuid
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote

from cpsadmin.cps.signing import SignatureError, verify_authorization
from cpsadmin.simulator import faults as fault_store
from cpsadmin.simulator.store import Store

logger = logging.getLogger(__name__)

ACTIONS = (
    "describeRegiones",
    "describeDeviceTypes",
    "describeOS",
    "describeSoftware",
    "describeDeviceRaids",
    "describeInstances",
    "describeInstance",
    "stopInstance",
    "startInstance",
    "reinstallInstance",
)
INSTANCE_ACTIONS = ("stopInstance", "startInstance", "reinstallInstance")

IMAGE_TYPES = ("standard", "standard_app", "Standard", "Standard_app")
PASSWORD_SPECIALS = "()`~!@#$%^&*_-+=|{}[]:\";'<>,.?/"  # noqa: S105
PASSWORD_RULE = (
    "Invalid password: use 8 to 30 characters with at least three of upper-case"
    " letters, lower-case letters, digits and the special characters "
    + PASSWORD_SPECIALS
)
MAX_CLIENT_TOKEN = 36
MAX_PAGE_SIZE = 100
INSTANCE_FIELD_FILTERS = (
    "az",
    "deviceType",
    "networkType",
    "subnetId",
    "keypairId",
    "enableInternet",
    "privateIp",
    "interfaceMode",
)
JSON_TYPE = "application/json; charset=utf-8"

_REGION = r"/v1/regions/(?P<region>[^/]+)"
_ROUTES = [
    (r"/v1/regions/?", "describeRegiones"),
    (_REGION + r"/deviceTypes", "describeDeviceTypes"),
    (_REGION + r"/os", "describeOS"),
    (_REGION + r"/os/(?P<os_type_id>[^/]+)/softwares", "describeSoftware"),
    (_REGION + r"/raids", "describeDeviceRaids"),
    (_REGION + r"/instances", "describeInstances"),
    (_REGION + r"/instances/(?P<instance_id>[^/:]+)", "describeInstance"),
    (_REGION + r"/instances/(?P<instance_id>[^/:]+):(?P<verb>[A-Za-z]+)", None),
]
_COMPILED = [(re.compile(pattern + "$"), action) for pattern, action in _ROUTES]
_FILTER_KEY = re.compile(r"^filters\.(\d+)\.(name|operator|values\.(\d+))$")


class ApiError(Exception):
    """An error the simulated API answers with the §5 envelope."""

    def __init__(self, code: int, status: str, message: str):
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


def invalid(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


class ConnectionDropped(Exception):
    """The simulated connection closed without a reply (drop, drop_after)."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict
    body: bytes
    request_id: str
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection instead of answering

    def as_tuple(self) -> tuple[int, dict, bytes]:
        return self.status, dict(self.headers), self.body


@dataclass(frozen=True)
class Route:
    action: str | None  # None: an instance action the simulator lacks
    method: str
    region: str | None = None
    instance_id: str | None = None
    os_type_id: str | None = None
    verb: str | None = None


def route_request(method: str, path: str) -> Route | None:
    """The API a method and decoded path name, or None for no API at all."""
    for pattern, action in _COMPILED:
        match = pattern.match(path)
        if not match:
            continue
        groups = match.groupdict()
        verb = groups.pop("verb", None)
        if verb is not None:
            action = verb if verb in INSTANCE_ACTIONS else None
            expected = "PUT"
        else:
            expected = "GET"
        if method != expected:
            return None
        return Route(action=action, method=method, verb=verb, **groups)
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def password_is_valid(password) -> bool:
    """The §11 rule: 8-30 characters, three of four classes, listed specials."""
    if not isinstance(password, str) or not 8 <= len(password) <= 30:
        return False
    classes = set()
    for char in password:
        if char.isascii() and char.isupper():
            classes.add("upper")
        elif char.isascii() and char.islower():
            classes.add("lower")
        elif char.isascii() and char.isdigit():
            classes.add("digit")
        elif char in PASSWORD_SPECIALS:
            classes.add("special")
        else:
            return False
    return len(classes) >= 3


class Simulator:
    """A small CPS cloud in a sqlite file; see docs/INTERFACES.md."""

    def __init__(
        self,
        db_path,
        *,
        credentials: dict[str, str] | None = None,
        reinstall_seconds: float = 30.0,
        transition_seconds: float = 5.0,
        clock=time.time,
        sleep=time.sleep,
        rng: random.Random | None = None,
    ):
        self.db_path = db_path
        self.credentials = dict(credentials or {})
        self.reinstall_seconds = float(reinstall_seconds)
        self.transition_seconds = float(transition_seconds)
        self.sleep = sleep
        self._clock = clock
        self._offset = 0.0
        self._rng = rng or random.Random()
        self._store = Store(db_path)

    # --- time ---------------------------------------------------------------

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move this simulator's clock forward (tests)."""
        self._offset += seconds

    # --- wire ---------------------------------------------------------------

    def handle(self, method, raw_path, raw_query, headers, body):
        """Answer one request: `(status, headers, body_bytes)`.

        Sleeps through injected latency and raises ConnectionDropped when a
        fault drops the connection.
        """
        reply = self.respond(method, raw_path, raw_query, headers, body)
        if reply.delay:
            self.sleep(reply.delay)
        if reply.drop:
            raise ConnectionDropped("the simulated connection was dropped")
        return reply.as_tuple()

    def respond(self, method, raw_path, raw_query, headers, body) -> Reply:
        """Like handle(), but returns the Reply with its delay and drop flag."""
        method = method.upper()
        raw_path = _text(raw_path)
        raw_query = _text(raw_query or "")
        if "?" in raw_path:
            raw_path, _, raw_query = raw_path.partition("?")
        body = body or b""
        headers = headers or {}
        route = route_request(method, unquote(raw_path))
        action = route.action if route else None

        with self._store.transaction() as conn:
            latency = fault_store.take(
                conn, self._rng, action, ("latency",), first_only=False
            )
            before = fault_store.take(
                conn, self._rng, action, fault_store.BEFORE_KINDS, first_only=True
            )
            if before:
                reply = self._fault_reply(before[0], action)
            else:
                reply = self._serve(
                    conn, route, method, raw_path, raw_query, headers, body
                )
                dropped = fault_store.take(
                    conn, self._rng, action, ("drop_after",), first_only=True
                )
                if dropped:
                    logger.info("Simulated fault drop_after on %s", action)
                    reply = replace(reply, drop=True)
        return replace(reply, delay=sum(f.seconds for f in latency))

    def _serve(self, conn, route, method, raw_path, raw_query, headers, body) -> Reply:
        request_id = new_request_id()
        try:
            self._authenticate(method, raw_path, raw_query, headers, body)
            if route is None:
                raise not_found(f"No API answers {method} {unquote(raw_path)}")
            if route.action is None:
                raise ApiError(
                    501,
                    "NOT_IMPLEMENTED",
                    f"The simulator does not implement {route.verb}",
                )
            self._settle(conn)
            if route.region is not None:
                self._require_region(conn, route.region)
            if route.method == "PUT":
                return self._mutate(conn, route, body, request_id)
            params = dict(parse_qsl(raw_query, keep_blank_values=True))
            handler = getattr(self, "_" + route.action)
            result = handler(conn, route, params, raw_query)
            return _ok(request_id, result)
        except ApiError as error:
            return _error(request_id, error)

    def _authenticate(self, method, raw_path, raw_query, headers, body) -> str:
        try:
            return verify_authorization(
                method, raw_path, raw_query, headers, body, self.credentials.get
            )
        except SignatureError as error:
            raise ApiError(401, "ACCESS_ERROR", error.message) from None

    def _fault_reply(self, fault, action) -> Reply:
        logger.info("Simulated fault %s on %s", fault.kind, action)
        request_id = new_request_id()
        headers = {"x-jdcloud-request-id": request_id}
        if fault.kind == "drop":
            return Reply(0, headers, b"", request_id, drop=True)
        if fault.kind == "malformed":
            whole = _json({"requestId": request_id, "result": {"success": True}})
            return Reply(
                200,
                {**headers, "Content-Type": JSON_TYPE},
                whole[: len(whole) // 2],
                request_id,
            )
        if fault.kind == "html":
            page = (
                f"<html><head><title>{fault.status} Bad Gateway</title></head>"
                f"<body><center><h1>{fault.status} Bad Gateway</h1></center>"
                "<hr><center>nginx</center></body></html>"
            ).encode()
            return Reply(
                fault.status,
                {"Content-Type": "text/html; charset=utf-8"},
                page,
                request_id,
            )
        error = ApiError(
            fault.status,
            fault_store.STATUS_NAMES.get(fault.status, "UNKNOWN"),
            "Simulated fault: the service is unavailable, try again later",
        )
        return _error(request_id, error)

    # --- catalogue reads ----------------------------------------------------

    def _require_region(self, conn, region: str) -> None:
        known = {r["region"] for r in self._store.catalogue(conn, "region")}
        if region not in known:
            raise not_found(f"Region '{region}' not found")

    def _describeRegiones(self, conn, route, params, raw_query):
        return {"regions": self._store.catalogue(conn, "region")}

    def _describeDeviceTypes(self, conn, route, params, raw_query):
        az = params.get("az")
        rows = []
        for row in self._store.catalogue(conn, "deviceType"):
            azs = row.pop("_azs")
            if row["region"] == route.region and (not az or az in azs):
                rows.append(row)
        return {"deviceTypes": rows}

    def _offered(self, conn, region: str) -> set[str]:
        return {
            row["deviceType"]
            for row in self._store.catalogue(conn, "deviceType")
            if row["region"] == region
        }

    def _describeOS(self, conn, route, params, raw_query):
        device_type = _required(params, "deviceType")
        os_type = params.get("osType", "").lower()
        offered = self._offered(conn, route.region)
        rows = [
            row
            for row in self._store.catalogue(conn, "os")
            if row["deviceType"] == device_type
            and device_type in offered
            and (not os_type or row["osType"].lower() == os_type)
        ]
        return {"oss": rows}

    def _describeSoftware(self, conn, route, params, raw_query):
        if not self._software_enabled(conn):
            # What the live API answers since describeSoftware was removed.
            raise not_found("API describeSoftware not found")
        known = {row["osTypeId"] for row in self._store.catalogue(conn, "os")}
        if route.os_type_id not in known:
            raise not_found(f"OS type '{route.os_type_id}' not found")
        rows = [
            row
            for row in self._store.catalogue(conn, "software")
            if row["osTypeId"] == route.os_type_id
        ]
        return {"softwares": rows}

    def _describeDeviceRaids(self, conn, route, params, raw_query):
        device_type = _required(params, "deviceType")
        volume_type = params.get("volumeType", "")
        if volume_type not in ("", "system", "data"):
            raise invalid(f"Invalid volumeType '{volume_type}': use system or data")
        rows = [
            row
            for row in self._store.catalogue(conn, "raid")
            if row["deviceType"] == device_type
            and (not volume_type or row["volumeType"] == volume_type)
        ]
        return {"raids": rows}

    # --- instance reads -----------------------------------------------------

    def _describeInstances(self, conn, route, params, raw_query):
        page_number = _int_param(params, "pageNumber", 1, 1, None)
        page_size = _int_param(params, "pageSize", 20, 1, MAX_PAGE_SIZE)
        filters = _parse_filters(raw_query)
        name = params.get("name", "").lower()

        matches = []
        for instance in self._instances(conn, route.region):
            if name and name not in instance["name"].lower():
                continue
            if any(
                params.get(field) and instance.get(field) != params[field]
                for field in INSTANCE_FIELD_FILTERS
            ):
                continue
            if any(instance[field] not in values for field, values in filters):
                continue
            matches.append(instance)

        start = (page_number - 1) * page_size
        return {
            "instances": matches[start : start + page_size],
            "pageNumber": page_number,
            "pageSize": page_size,
            "totalCount": len(matches),
        }

    def _describeInstance(self, conn, route, params, raw_query):
        return {"instance": self._instance(conn, route.region, route.instance_id)}

    def _instances(self, conn, region: str | None = None) -> list[dict]:
        sql = "SELECT data, status FROM instances"
        args: tuple = ()
        if region is not None:
            sql += " WHERE region = ?"
            args = (region,)
        rows = conn.execute(sql + " ORDER BY seq", args)
        return [_instance_dict(row) for row in rows]

    def _instance(self, conn, region: str | None, instance_id: str) -> dict:
        sql = "SELECT data, status FROM instances WHERE instance_id = ?"
        args: tuple = (instance_id,)
        if region is not None:
            sql += " AND region = ?"
            args += (region,)
        row = conn.execute(sql, args).fetchone()
        if row is None:
            raise not_found(f"Instance '{instance_id}' not found.")
        return _instance_dict(row)

    def _settle(self, conn) -> None:
        """Finish every transition whose time has come."""
        due = conn.execute(
            "SELECT instance_id, data, target_status, pending FROM instances"
            " WHERE due_at IS NOT NULL AND due_at <= ?",
            (self.now(),),
        ).fetchall()
        for row in due:
            data = json.loads(row["data"])
            data.update(json.loads(row["pending"] or "{}"))
            data["agentStatus"] = (
                "running" if row["target_status"] == "running" else "stopped"
            )
            conn.execute(
                "UPDATE instances SET data = ?, status = target_status,"
                " target_status = NULL, due_at = NULL, pending = NULL"
                " WHERE instance_id = ?",
                (json.dumps(data), row["instance_id"]),
            )
            logger.info(
                "Simulated instance %s is now %s",
                row["instance_id"],
                row["target_status"],
            )

    # --- instance actions ---------------------------------------------------

    def _mutate(self, conn, route, body: bytes, request_id: str) -> Reply:
        """Run an instance action once per clientToken, replaying its reply."""
        payload = _parse_body(body, request_id)
        if isinstance(payload, Reply):
            return payload
        token = payload.get("clientToken", "")
        if not isinstance(token, str) or len(token) > MAX_CLIENT_TOKEN:
            return _error(
                request_id,
                invalid(f"clientToken must be at most {MAX_CLIENT_TOKEN} characters"),
            )

        if token:
            stored = conn.execute(
                "SELECT status, request_id, body FROM tokens"
                " WHERE action = ? AND token = ?",
                (route.action, token),
            ).fetchone()
            if stored is not None:
                logger.info("Simulated %s replayed for its clientToken", route.action)
                return Reply(
                    stored["status"],
                    _headers(stored["request_id"]),
                    bytes(stored["body"]),
                    stored["request_id"],
                )

        handler = getattr(self, "_" + route.action)
        try:
            handler(conn, route, payload)
            reply = _ok(request_id, {"success": True})
        except ApiError as error:
            reply = _error(request_id, error)
        if token:
            conn.execute(
                "INSERT INTO tokens (action, token, status, request_id, body,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (route.action, token, reply.status, request_id, reply.body, self.now()),
            )
        return reply

    def _stopInstance(self, conn, route, payload) -> None:
        self._transition(conn, route, "running", "stopping", "stopped")

    def _startInstance(self, conn, route, payload) -> None:
        self._transition(conn, route, "stopped", "starting", "running")

    def _reinstallInstance(self, conn, route, payload) -> None:
        instance = self._instance(conn, route.region, route.instance_id)
        spec = payload.get("instanceSpec")
        if not isinstance(spec, dict):
            raise invalid("Missing required parameter instanceSpec")
        changes = self._validate_spec(conn, instance, spec)
        self._transition(
            conn,
            route,
            "stopped",
            "reinstalling",
            "running",
            seconds=self.reinstall_seconds,
            pending=changes,
        )
        # Everything asked for except the password, which is only noted.
        record = {k: v for k, v in spec.items() if k != "password"}
        record["passwordGiven"] = True
        conn.execute(
            "INSERT INTO reinstalls (instance_id, spec, at) VALUES (?, ?, ?)",
            (route.instance_id, json.dumps(record), self.now()),
        )

    def _transition(
        self, conn, route, needs, during, after, *, seconds=None, pending=None
    ) -> None:
        instance = self._instance(conn, route.region, route.instance_id)
        if instance["status"] != needs:
            raise ApiError(
                400,
                "FAILED_PRECONDITION",
                f"Invalid instance status {instance['status']}",
            )
        seconds = self.transition_seconds if seconds is None else seconds
        conn.execute(
            "UPDATE instances SET status = ?, target_status = ?, due_at = ?,"
            " pending = ? WHERE instance_id = ?",
            (
                during,
                after,
                self.now() + seconds,
                json.dumps(pending) if pending else None,
                route.instance_id,
            ),
        )
        conn.execute(
            "INSERT INTO executions (action, instance_id, at) VALUES (?, ?, ?)",
            (route.action, route.instance_id, self.now()),
        )
        logger.info(
            "Simulated %s on %s: now %s", route.action, route.instance_id, during
        )

    def _validate_spec(self, conn, instance: dict, spec: dict) -> dict:
        """Check a ReinstallInstanceSpec against the catalogue; return the changes."""
        for field in ("az", "imageType", "osTypeId", "sysRaidTypeId", "keepData"):
            if not spec.get(field):
                raise invalid(f"Missing required parameter instanceSpec.{field}")
        if "password" not in spec or spec["password"] == "":
            raise invalid("Missing required parameter instanceSpec.password")
        device_type = instance["deviceType"]

        if spec["az"] != instance["az"]:
            raise invalid(
                f"instanceSpec.az '{spec['az']}' is not the instance's"
                f" availability zone {instance['az']}"
            )
        if spec["imageType"] not in IMAGE_TYPES:
            raise invalid(
                f"Invalid imageType '{spec['imageType']}': use standard or standard_app"
            )
        if spec["keepData"] not in ("yes", "no"):
            raise invalid(f"Invalid keepData '{spec['keepData']}': use yes or no")

        os_row = next(
            (
                row
                for row in self._store.catalogue(conn, "os")
                if row["osTypeId"] == spec["osTypeId"]
                and row["deviceType"] == device_type
            ),
            None,
        )
        if os_row is None:
            raise invalid(
                f"osTypeId '{spec['osTypeId']}' is not offered for device type"
                f" {device_type}"
            )
        raids = {
            (row["raidTypeId"], row["volumeType"]): row
            for row in self._store.catalogue(conn, "raid")
            if row["deviceType"] == device_type
        }
        sys_raid = raids.get((spec["sysRaidTypeId"], "system"))
        if sys_raid is None:
            raise invalid(
                f"sysRaidTypeId '{spec['sysRaidTypeId']}' is not a system RAID"
                f" of device type {device_type}"
            )
        data_raid = None
        if spec.get("dataRaidTypeId"):
            data_raid = raids.get((spec["dataRaidTypeId"], "data"))
            if data_raid is None:
                raise invalid(
                    f"dataRaidTypeId '{spec['dataRaidTypeId']}' is not a data RAID"
                    f" of device type {device_type}"
                )
        self._validate_softwares(conn, spec)
        if not password_is_valid(spec["password"]):
            raise invalid(PASSWORD_RULE)

        changes = {
            "imageType": spec["imageType"],
            "osTypeId": os_row["osTypeId"],
            "osName": os_row["osName"],
            "osType": os_row["osType"],
            "osVersion": os_row["osVersion"],
            "sysRaidTypeId": sys_raid["raidTypeId"],
            "sysRaidType": sys_raid["raidType"],
        }
        if data_raid is not None:
            changes["dataRaidTypeId"] = data_raid["raidTypeId"]
            changes["dataRaidType"] = data_raid["raidType"]
        return changes

    def _validate_softwares(self, conn, spec: dict) -> None:
        softwares = spec.get("softwares", [])
        if not isinstance(softwares, list):
            raise invalid("instanceSpec.softwares must be a list")
        offered = [
            row
            for row in self._store.catalogue(conn, "software")
            if row["osTypeId"] == spec["osTypeId"]
        ]
        for item in softwares:
            if not isinstance(item, dict) or not item.get("name"):
                raise invalid("Each instanceSpec.softwares entry needs a name")
            if item.get("osTypeId", spec["osTypeId"]) != spec["osTypeId"]:
                raise invalid(
                    f"Software '{item['name']}' names osTypeId"
                    f" '{item['osTypeId']}', not the osTypeId being installed"
                )
            if not any(
                row["name"] == item["name"]
                and item.get("version", row["version"]) == row["version"]
                for row in offered
            ):
                version = f" {item['version']}" if item.get("version") else ""
                raise invalid(
                    f"Software '{item['name']}{version}' is not offered for"
                    f" osTypeId '{spec['osTypeId']}'"
                )

    # --- test and command helpers -------------------------------------------

    def instance(self, instance_id: str) -> dict:
        """An instance as describeInstance shows it now; KeyError if unknown."""
        with self._store.transaction() as conn:
            self._settle(conn)
            try:
                return self._instance(conn, None, instance_id)
            except ApiError:
                raise KeyError(instance_id) from None

    def instances(self, region: str | None = None) -> list[dict]:
        with self._store.transaction() as conn:
            self._settle(conn)
            return self._instances(conn, region)

    def set_status(self, instance_id: str, status: str) -> None:
        """Put an instance straight into a status, ending any transition."""
        with self._store.transaction() as conn:
            cursor = conn.execute(
                "UPDATE instances SET status = ?, target_status = NULL,"
                " due_at = NULL, pending = NULL WHERE instance_id = ?",
                (status, instance_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(instance_id)

    def executions(self, action: str, instance_id: str | None = None) -> int:
        """How many times an action really ran (replays and refusals excluded)."""
        sql = "SELECT COUNT(*) FROM executions WHERE action = ?"
        args: tuple = (action,)
        if instance_id is not None:
            sql += " AND instance_id = ?"
            args += (instance_id,)
        with self._store.transaction() as conn:
            return conn.execute(sql, args).fetchone()[0]

    def last_reinstall(self, instance_id: str) -> dict | None:
        """The last reinstall spec accepted, password replaced by passwordGiven."""
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT spec FROM reinstalls WHERE instance_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (instance_id,),
            ).fetchone()
        return json.loads(row["spec"]) if row else None

    def inject_fault(
        self,
        kind: str,
        *,
        count: int | None = None,
        share: float | None = None,
        status: int | None = None,
        seconds: float | None = None,
        action: str | None = None,
    ) -> int:
        """Add a fault (see faults.py); returns its id. ValueError on bad options."""
        fault = fault_store.normalise(
            kind,
            count=count,
            share=share,
            status=status,
            seconds=seconds,
            action=action,
            actions=ACTIONS,
        )
        with self._store.transaction() as conn:
            fault_id = fault_store.add(conn, fault, self.now())
        logger.info("Simulated fault #%s added: %s", fault_id, kind)
        return fault_id

    def faults(self) -> list[fault_store.Fault]:
        with self._store.transaction() as conn:
            return fault_store.all_faults(conn)

    def clear_faults(self) -> None:
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM faults")

    def _software_enabled(self, conn) -> bool:
        return self._store.get_meta(conn, "software_enabled", "1") == "1"

    @property
    def software_enabled(self) -> bool:
        with self._store.transaction() as conn:
            return self._software_enabled(conn)

    @software_enabled.setter
    def software_enabled(self, enabled: bool) -> None:
        with self._store.transaction() as conn:
            self._store.set_meta(conn, "software_enabled", "1" if enabled else "0")

    def reset(self) -> None:
        """Forget all state and faults; seed the catalogue and instances again."""
        self._store.reset()
        logger.info("Simulated cloud reset in %s", self.db_path)

    def close(self) -> None:
        self._store.close()


# --- helpers -----------------------------------------------------------------


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _headers(request_id: str) -> dict:
    return {"Content-Type": JSON_TYPE, "x-jdcloud-request-id": request_id}


def _ok(request_id: str, result: dict) -> Reply:
    body = _json({"requestId": request_id, "result": result})
    return Reply(200, _headers(request_id), body, request_id)


def _error(request_id: str, error: ApiError) -> Reply:
    body = _json(
        {
            "requestId": request_id,
            "error": {
                "code": error.code,
                "status": error.status,
                "message": error.message,
            },
        }
    )
    return Reply(error.code, _headers(request_id), body, request_id)


def _instance_dict(row) -> dict:
    data = json.loads(row["data"])
    data["status"] = row["status"]
    return data


def _required(params: dict, name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise invalid(f"Missing required parameter {name}")
    return value


def _int_param(params: dict, name: str, default: int, low: int, high: int | None):
    raw = params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Invalid {name} '{raw}': not a whole number") from None
    if value < low or (high is not None and value > high):
        upper = f" and {high}" if high is not None else ""
        raise invalid(f"Invalid {name} {value}: use a number between {low}{upper}")
    return value


def _parse_filters(raw_query: str) -> list[tuple[str, set[str]]]:
    """`filters.N.name` / `.operator` / `.values.M` -> [(field, {values})]."""
    grouped: dict[int, dict] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        match = _FILTER_KEY.match(key)
        if not match:
            continue
        entry = grouped.setdefault(int(match[1]), {"values": []})
        if match[3] is not None:
            entry["values"].append((int(match[3]), value))
        else:
            entry[match[2]] = value

    filters = []
    for _, entry in sorted(grouped.items()):
        name = entry.get("name", "")
        if name not in ("instanceId", "status"):
            raise invalid(f"Unsupported filter name '{name}': use instanceId or status")
        if entry.get("operator", "eq") not in ("eq", "in"):
            raise invalid(f"Unsupported filter operator '{entry['operator']}'")
        if not entry["values"]:
            raise invalid(f"Filter '{name}' needs at least one value")
        filters.append((name, {value for _, value in sorted(entry["values"])}))
    return filters


def _parse_body(body: bytes, request_id: str):
    """The JSON body without nulls, or an error Reply."""
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(request_id, invalid("The request body is not valid JSON"))
    if not isinstance(payload, dict):
        return _error(request_id, invalid("The request body must be a JSON object"))
    return _without_nulls(payload)
