"""Injected faults: what can go wrong between cpsadmin and CPS.

Faults live in the simulator's sqlite file, so `manage.py simulator fault ...`
reaches a running server or the in-process demo. Each fault may be limited to
one action, to the next `count` matching calls, or to a `share` of them (a
probability); with neither it fires on every matching call until cleared.

When a fault acts, relative to executing the call, is part of its kind:

- before execution (the call never happens): `status`, `malformed`, `drop`,
  `html`. The first of these that fires answers the call.
- after execution (the call happened, the reply is lost or late):
  `drop_after`, and `latency`, which delays the reply, so a client that times
  out faces the "did it happen?" case.
"""

import math
from dataclasses import dataclass

KINDS = {
    "latency": "execute, then delay the reply by SECONDS",
    "status": "answer an error envelope with HTTP STATUS (default 503), not executing",
    "malformed": "answer 200 with a truncated JSON body, not executing",
    "drop": "close the connection without answering, not executing",
    "html": "answer an HTML error page with HTTP STATUS (default 502), not executing",
    "drop_after": "execute, then close the connection without answering",
}
BEFORE_KINDS = ("status", "malformed", "drop", "html")
DEFAULT_STATUS = {"status": 503, "html": 502}

# The §5 status string for each HTTP code a status fault may use.
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "HTTP_FORBIDDEN",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RATE_LIMIT",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "SOURCE_UNAVAILABLE",
    503: "UNAVAILABLE",
}


@dataclass(frozen=True)
class Fault:
    id: int
    kind: str
    action: str | None
    remaining: int | None
    share: float | None
    status: int | None
    seconds: float | None

    def describe(self) -> str:
        parts = [f"#{self.id} {self.kind}"]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.seconds is not None:
            parts.append(f"seconds={self.seconds:g}")
        if self.action:
            parts.append(f"action={self.action}")
        if self.remaining is not None:
            parts.append(f"remaining={self.remaining}")
        if self.share is not None:
            parts.append(f"share={self.share:g}")
        return " ".join(parts)


def normalise(kind, *, count, share, status, seconds, action, actions) -> dict:
    """Check a fault's options and fill in defaults; raises ValueError."""
    if kind not in KINDS:
        raise ValueError(f"Unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
    if count is not None and (isinstance(count, bool) or int(count) < 1):
        raise ValueError("count must be a whole number of at least 1")
    if share is not None and not 0 < float(share) <= 1:
        raise ValueError("share must be above 0 and at most 1")
    if action is not None and action not in actions:
        raise ValueError(f"Unknown action {action!r}; use one of {', '.join(actions)}")
    if kind == "latency":
        if seconds is None or not 0 < float(seconds) < math.inf:
            raise ValueError("A latency fault needs a finite number of seconds above 0")
    elif seconds is not None:
        raise ValueError(f"seconds applies to latency faults, not {kind}")
    if kind in DEFAULT_STATUS:
        status = DEFAULT_STATUS[kind] if status is None else int(status)
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error code from 400 to 599")
    elif status is not None:
        raise ValueError(f"status applies to status and html faults, not {kind}")
    return {
        "kind": kind,
        "action": action,
        "remaining": None if count is None else int(count),
        "share": None if share is None else float(share),
        "status": status,
        "seconds": None if seconds is None else float(seconds),
    }


def parse_spec(text: str) -> dict:
    """`KIND[,option=value...]`, e.g. `status,status=503,count=2` -> kwargs."""
    kind, *options = [part.strip() for part in text.split(",")]
    parsed: dict = {"kind": kind}
    converters = {
        "count": int,
        "share": float,
        "status": int,
        "seconds": float,
        "action": str,
    }
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or name not in converters:
            raise ValueError(
                f"Bad fault option {option!r}; use NAME=VALUE with NAME one of "
                + ", ".join(converters)
            )
        try:
            parsed[name] = converters[name](value)
        except ValueError:
            raise ValueError(f"Bad value for {name}: {value!r}") from None
    return parsed


def add(conn, fault: dict, now: float) -> int:
    cursor = conn.execute(
        "INSERT INTO faults (kind, action, remaining, share, status, seconds,"
        " created_at) VALUES (:kind, :action, :remaining, :share, :status,"
        " :seconds, :now)",
        {**fault, "now": now},
    )
    return cursor.lastrowid


def all_faults(conn) -> list[Fault]:
    rows = conn.execute(
        "SELECT id, kind, action, remaining, share, status, seconds"
        " FROM faults ORDER BY id"
    )
    return [Fault(**dict(row)) for row in rows]


def take(conn, rng, action: str | None, kinds, *, first_only: bool) -> list[Fault]:
    """The faults of these kinds that fire for this call, each one consumed."""
    fired = []
    for fault in all_faults(conn):
        if fault.kind not in kinds or fault.action not in (None, action):
            continue
        if fault.share is not None and rng.random() >= fault.share:
            continue
        fired.append(fault)
        if fault.remaining is not None:
            if fault.remaining <= 1:
                conn.execute("DELETE FROM faults WHERE id = ?", (fault.id,))
            else:
                conn.execute(
                    "UPDATE faults SET remaining = remaining - 1 WHERE id = ?",
                    (fault.id,),
                )
        if first_only:
            break
    return fired
