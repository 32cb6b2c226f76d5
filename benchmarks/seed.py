"""Realistic data for the benchmark, in three layers.

1. People: seed_demo's users, role groups and scopes, four more requesters,
   and approval policies under which the "production" group needs two
   approvers.
2. History, written in bulk and spread over the last HISTORY_DAYS: finished
   reinstall requests (completed, rejected, cancelled, expired, failed), a few
   still in flight (submitted), their approvals, and the audit events of all
   of it, topped up with sign-ins, sign-outs, failed sign-ins, stops,
   catalogue refreshes, exports and verifications until the log holds the
   number of events asked for.
3. The present, through the services, as the reinstall form and the approve
   button do it: open requests from services.create_request, some of them
   half approved by services.approve. Their audit events go through record().

The history's audit events skip record(), which takes a lock and writes the
chain head once per event: write_chain() builds the same rows (each hash is
AuditEvent.compute_hash(), each prev_hash the hash before it), inserts them
in batches past the model's refusal of bulk_create, and moves the chain head
once. The runner proves the result with verify_chain().
"""

import random
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import Action, AuditChainHead, AuditEvent, Outcome
from cpsadmin.audit.queries import Cursor, filter_events, order_events
from cpsadmin.cps.client import Instance, get_client
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.models import (
    Approval,
    ApprovalPolicy,
    Decision,
    PolicyMode,
    ReinstallRequest,
    Status,
)
from cpsadmin.simulator import get_simulator

HISTORY_DAYS = 120
REGION = "cn-north-1"  # where the measured pages look
PASSWORD = "Bench-Reinstall-7x"  # noqa: S105  (a simulated server's new password)
BATCH = 1000

EXTRA_REQUESTERS = ("erin", "frank", "grace", "heidi")
PRODUCTION = ("grace", "heidi")  # need two approvals
APPROVERS = ("bob", "dora")
# Who does what in the history: alice is the busiest requester.
REQUESTER_WEIGHTS = {"alice": 40, "erin": 15, "frank": 15, "grace": 15, "heidi": 15}
ACTIVE_WEIGHTS = {
    "alice": 30,
    "erin": 10,
    "frank": 10,
    "grace": 9,
    "heidi": 8,
    "bob": 11,
    "dora": 9,
    "carol": 9,
    "admin": 4,
}
OUTCOMES = {
    Status.COMPLETED: 55,
    Status.FAILED: 10,
    Status.REJECTED: 13,
    Status.CANCELLED: 11,
    Status.EXPIRED: 11,
}
BACKGROUND = {
    Action.LOGIN: 42,
    Action.LOGOUT: 33,
    Action.LOGIN_FAILED: 5,
    Action.STOP_REQUESTED: 10,
    Action.CATALOGUE_REFRESHED: 5,
    Action.AUDIT_EXPORTED: 3,
    Action.AUDIT_VERIFIED: 2,
}
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
)
REASONS = (
    "Move to the new base image before the quarterly patch window.",
    "The OS disk is corrupt after a failed kernel upgrade.",
    "Rebuild as a build agent for the CI pool.",
    "Decommissioned service; hand the machine to the data team.",
    "Upgrade from CentOS 7, which is out of support.",
    "Security incident follow-up: reinstall from a clean image.",
)


@dataclass
class Seeded:
    """What the pages need from the data, and how much of it there is."""

    users: dict
    events: int
    requests: dict  # status -> count
    form_instance: Instance
    software_os_type_id: str
    detail_request: ReinstallRequest
    deep_query: str
    deep_rows: int
    export_since: str  # date_from selecting about a quarter of the events


def seed(*, events: int, requests: int, rng_seed: int = 7) -> Seeded:
    rng = random.Random(rng_seed)
    users = _people()
    world = _World(rng, users)

    open_count = min(12, max(2, requests // 4))
    in_flight = min(3, max(1, requests // 50))
    finished = max(0, requests - open_count - in_flight)
    history = world.history(finished, in_flight, events)
    write_chain(history)

    detail = world.present(open_count)
    _analyze()
    return Seeded(
        users=users,
        events=AuditEvent.objects.count(),
        requests=dict(
            ReinstallRequest.objects.values_list("status")
            .annotate(n=models.Count("pk"))
            .order_by("status")
        ),
        form_instance=world.form_instance,
        software_os_type_id=world.software_os_type_id(),
        detail_request=detail,
        **_deep_page(users["alice"]),
        export_since=_export_since(),
    )


# --- 1. People -----------------------------------------------------------------


def _people() -> dict:
    call_command("seed_demo", stdout=StringIO())
    requesters = Group.objects.get(name=Role.REQUESTER)
    production = Group.objects.create(name="production")
    for name in EXTRA_REQUESTERS:
        user = User.objects.create_user(
            name, email=f"{name}@example.com", password=PASSWORD
        )
        user.groups.add(requesters)
        if name in PRODUCTION:
            user.groups.add(production)
    ApprovalPolicy.objects.create(mode=PolicyMode.ALWAYS, approvals_required=1)
    ApprovalPolicy.objects.create(
        group=production, mode=PolicyMode.ALWAYS, approvals_required=2
    )
    return {user.username: user for user in User.objects.all()}


# --- 2. History -------------------------------------------------------------------


class _World:
    """The simulated cloud as the seeder sees it, and a random source."""

    def __init__(self, rng: random.Random, users: dict):
        self.rng = rng
        self.users = users
        self.now = timezone.now()
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        with get_client() as client:
            regions = [r.region for r in client.describe_regions()]
            self.instances = [i for r in regions for i in client.iter_instances(r)]
            self.catalogue = {}
            for region, device_type in {
                (i.region, i.device_type) for i in self.instances
            }:
                oss = client.describe_os(region, device_type)
                raids = client.describe_device_raids(region, device_type)
                softwares = {}
                for os in oss:
                    softwares[os.os_type_id] = client.describe_software(
                        region, os.os_type_id
                    )
                self.catalogue[region, device_type] = (oss, raids, softwares)
        # The reinstall form is measured on a stopped server nobody asked for.
        self.form_instance = next(
            i for i in self.instances if i.region == REGION and i.status == "stopped"
        )
        self.busy = {self.form_instance.instance_id}

    # Small random helpers.

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def hex_id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def ip_of(self, username: str) -> str:
        # Mostly from one desk, sometimes from elsewhere (VPN, meeting room).
        if self.rng.random() < 0.8:
            return f"10.20.{len(username)}.{sum(map(ord, username)) % 250 + 2}"
        network, host = self.rng.randint(21, 40), self.rng.randint(2, 254)
        return f"10.{network}.{self.rng.randint(0, 255)}.{host}"

    def web(self, username: str) -> dict:
        """What record() takes from a web request by ``username``."""
        user = self.users[username]
        return {
            "actor": user,
            "ip": self.ip_of(username),
            "user_agent": USER_AGENTS[len(username) % len(USER_AGENTS)],
            "request_id": self.hex_id(),
        }

    def moment(self, latest=None):
        latest = latest or self.now - timedelta(hours=1)
        span = (latest - self.start).total_seconds()
        return self.start + timedelta(seconds=self.rng.random() * span)

    def spec(self, instance: Instance) -> dict:
        oss, raids, softwares = self.catalogue[instance.region, instance.device_type]
        os = self.rng.choice(oss)
        offered = softwares[os.os_type_id] or []
        app = bool(offered) and self.rng.random() < 0.25
        chosen = self.rng.sample(offered, k=min(len(offered), 2)) if app else []
        system = [r for r in raids if r.volume_type == "system"]
        data = [r for r in raids if r.volume_type == "data"]
        return {
            "os": os,
            "image_type": "Standard_app" if app else "Standard",
            "sys_raid": self.rng.choice(system),
            "data_raid": self.rng.choice(data),
            "keep_data": self.rng.random() < 0.7,
            "softwares": chosen,
        }

    def software_os_type_id(self) -> str:
        oss, _, softwares = self.catalogue[REGION, self.form_instance.device_type]
        return next(os.os_type_id for os in oss if softwares[os.os_type_id])

    # The history itself.

    def history(self, finished: int, in_flight: int, total_events: int) -> list:
        plans = [self._plan(self.pick(OUTCOMES)) for _ in range(finished)]
        free = [i for i in self.instances if i.instance_id not in self.busy]
        for instance in self.rng.sample(free, k=in_flight):
            self.busy.add(instance.instance_id)
            plans.append(self._plan(Status.SUBMITTED, instance=instance))

        # Both backends return the new primary keys from a bulk insert.
        ReinstallRequest.objects.bulk_create([plan.row for plan in plans])
        approvals, events = [], []
        for plan in plans:
            for approval in plan.approvals:
                approval.request = plan.row
            approvals += plan.approvals
            events += [dict(e, reinstall_id=plan.row.pk) for e in plan.events]
        Approval.objects.bulk_create(approvals)

        for _ in range(max(0, total_events - len(events))):
            events.append(self._background(self.pick(BACKGROUND)))
        events.sort(key=lambda e: e["created_at"])
        return events

    def _plan(self, outcome: str, instance: Instance | None = None) -> "_Plan":
        rng = self.rng
        instance = instance or rng.choice(self.instances)
        requester = self.pick(REQUESTER_WEIGHTS)
        needed = 2 if requester in PRODUCTION else 1
        spec = self.spec(instance)
        if outcome == Status.SUBMITTED:
            # Asked for within the hour, so still reinstalling.
            t0 = self.now - timedelta(minutes=rng.uniform(40, 60))
            first, between = (2, 10), (1, 10)
        else:
            t0 = self.moment(self.now - timedelta(days=2))
            first, between = (5, 300), (1, 90)
        row = self._request_row(outcome, instance, requester, spec, needed, t0)
        plan = _Plan(row, [], [])
        where = {"region": instance.region, "instance_id": instance.instance_id}
        plan.event(
            Action.REINSTALL_REQUESTED,
            t0,
            **self.web(requester),
            **where,
            message=row.reason,
            data=services.spec_data(row, needed),
        )

        t = t0 + timedelta(minutes=rng.uniform(*first))
        if outcome == Status.CANCELLED:
            plan.event(Action.REINSTALL_CANCELLED, t, **self.web(requester), **where)
            row.finished_at = t
        elif outcome == Status.EXPIRED:
            row.finished_at = t0 + timedelta(hours=24)
            plan.event(Action.REINSTALL_EXPIRED, row.finished_at, **where)
        elif outcome == Status.REJECTED:
            approver = rng.choice(APPROVERS)
            comment = "Not during the freeze; ask again next week."
            plan.approve(self.users[approver], Decision.REJECT, comment, t)
            plan.event(
                Action.REINSTALL_REJECTED,
                t,
                **self.web(approver),
                **where,
                message=comment,
            )
            row.decided_at = row.finished_at = t
        else:
            for n, approver in enumerate(rng.sample(APPROVERS, k=needed), 1):
                if n > 1:
                    t += timedelta(minutes=rng.uniform(*between))
                plan.approve(self.users[approver], Decision.APPROVE, "", t)
                plan.event(
                    Action.REINSTALL_APPROVED,
                    t,
                    **self.web(approver),
                    **where,
                    data={"approvals": n, "required": needed},
                )
            row.decided_at = t
            self._carry_out(plan, outcome, t, where)
        return plan

    def _request_row(self, status, instance, requester, spec, needed, t0):
        os, sys_raid, data_raid = spec["os"], spec["sys_raid"], spec["data_raid"]
        return ReinstallRequest(
            requester=self.users[requester],
            status=status,
            region=instance.region,
            az=instance.az,
            instance_id=instance.instance_id,
            instance_name=instance.name,
            device_type=instance.device_type,
            previous_os_name=instance.os_name,
            previous_status="stopped",
            image_type=spec["image_type"],
            os_type_id=os.os_type_id,
            os_name=os.os_name,
            sys_raid_type_id=sys_raid.raid_type_id,
            sys_raid_type=sys_raid.raid_type,
            data_raid_type_id=data_raid.raid_type_id,
            data_raid_type=data_raid.raid_type,
            keep_data=spec["keep_data"],
            softwares=[services.software_record(s) for s in spec["softwares"]],
            reason=self.rng.choice(REASONS),
            client_token=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            required_approvals=needed,
            expires_at=t0 + timedelta(hours=24),
            created_at=t0,
        )

    def _carry_out(self, plan: "_Plan", outcome: str, t, where: dict) -> None:
        rng, row = self.rng, plan.row
        jd = self.hex_id()
        t += timedelta(seconds=rng.uniform(1, 5))
        row.submit_attempts = 1
        row.submit_claimed_at = t
        if outcome == Status.FAILED and rng.random() < 0.5:
            row.failure_reason = (
                "CPS refused the reinstall: 400 INVALID_ARGUMENT: "
                "instance status is not stopped"
            )
            row.jd_request_id = jd
            row.finished_at = t
            plan.event(
                Action.REINSTALL_FAILED,
                t,
                **where,
                jd_request_id=jd,
                outcome=Outcome.FAILURE,
                message=row.failure_reason,
            )
            return

        row.jd_request_id = jd
        row.submitted_at = t
        row.last_seen_status = "reinstalling"
        plan.event(Action.REINSTALL_SUBMITTED, t, **where, jd_request_id=jd)
        if outcome == Status.SUBMITTED:
            return
        t += timedelta(minutes=rng.uniform(25, 45))
        row.finished_at = t
        if outcome == Status.FAILED:
            row.failure_reason = (
                "The server went into the error status while reinstalling."
            )
            row.last_seen_status = "error"
            plan.event(
                Action.REINSTALL_FAILED,
                t,
                **where,
                jd_request_id=jd,
                outcome=Outcome.FAILURE,
                message=row.failure_reason,
            )
        else:
            row.last_seen_status = "running"
            plan.event(
                Action.REINSTALL_COMPLETED,
                t,
                **where,
                jd_request_id=jd,
                message=f"The server runs {row.os_name}.",
            )

    def _background(self, action: str) -> dict:
        rng = self.rng
        username = self.pick(ACTIVE_WEIGHTS)
        event = {"action": action, "created_at": self.moment(), **self.web(username)}
        if action == Action.LOGIN_FAILED:
            tried = username if rng.random() < 0.7 else f"{username}1"
            event.update(
                actor=None,
                outcome=Outcome.FAILURE,
                message=f"Failed sign-in as {tried!r}",
                data={"attempted_username": tried},
            )
        elif action in (Action.STOP_REQUESTED, Action.CATALOGUE_REFRESHED):
            if username not in REQUESTER_WEIGHTS:
                username = "alice"
                event.update(self.web(username))
            instance = rng.choice(self.instances)
            event["region"] = instance.region
            if action == Action.STOP_REQUESTED:
                event.update(
                    instance_id=instance.instance_id,
                    jd_request_id=self.hex_id(),
                    message=instance.name,
                )
            else:
                event["data"] = {"device_type": instance.device_type}
        elif action == Action.AUDIT_EXPORTED:
            event.update(self.web("carol"))
            fmt = rng.choice(("csv", "jsonl"))
            event.update(
                message=f"Exported the audit log as {fmt}",
                data={"format": fmt, "filters": {"action": "reinstall_approved"}},
            )
        elif action == Action.AUDIT_VERIFIED:
            event.update(self.web("carol"))
            event["data"] = {"ok": True, "checked": rng.randint(1000, 40000)}
        return event

    # 3. The present.

    def present(self, count: int) -> ReinstallRequest:
        """Open requests through the services; returns the one to look at.

        The servers are stopped in the simulator first, as a requester would.
        Requests of the production group get one of their two approvals.
        """
        simulator = get_simulator()
        free = [i for i in self.instances if i.instance_id not in self.busy]
        # The measured region first, so its queue and server list are busy.
        free.sort(key=lambda i: i.region != REGION)
        names = list(REQUESTER_WEIGHTS)
        first = detail = None
        for n, instance in enumerate(free[:count]):
            if instance.status != "stopped":
                simulator.set_status(instance.instance_id, "stopped")
                instance = replace(instance, status="stopped")
            self.busy.add(instance.instance_id)
            requester = self.users[names[n % len(names)]]
            req = services.create_request(
                requester,
                instance=instance,
                password=PASSWORD,
                reason=self.rng.choice(REASONS),
                **self.spec(instance),
            )
            if req.required_approvals > 1:
                req = services.approve(req, self.users["dora"], "Fine by me.")
                detail = detail or req
            first = first or req
        # Preferably one with an approval already, as a second approver sees it.
        return detail or first


@dataclass
class _Plan:
    row: ReinstallRequest
    approvals: list
    events: list

    def event(self, action, created_at, **fields) -> None:
        self.events.append({"action": action, "created_at": created_at, **fields})

    def approve(self, approver, decision, comment, when) -> None:
        # The request is set once the requests have their primary keys.
        self.approvals.append(
            Approval(
                approver=approver, decision=decision, comment=comment, created_at=when
            )
        )


def write_chain(events: list[dict]) -> int:
    """Append ``events`` (oldest first) to the audit chain in bulk.

    Each row is what record() would write: the next seq, the previous event's
    hash as prev_hash, and its own hash from AuditEvent.compute_hash(). The
    head is locked for the whole write and moved once at the end.
    """
    rows = models.QuerySet(model=AuditEvent)  # the plain queryset can bulk_create
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        batch = []
        for fields in events:
            actor = fields.get("actor")
            event = AuditEvent(
                **{"outcome": Outcome.SUCCESS, **fields},
                actor_username=actor.get_username() if actor else "",
            )
            # Stored as plain strings, as record() stores Action(...).value.
            event.action, event.outcome = str(event.action), str(event.outcome)
            event.seq = head.seq + 1
            event.prev_hash = head.hash
            event.hash = event.compute_hash()
            head.seq, head.hash = event.seq, event.hash
            batch.append(event)
            if len(batch) == BATCH:
                rows.bulk_create(batch)
                batch = []
        rows.bulk_create(batch)
        head.save(update_fields=["seq", "hash"])
    return len(events)


def _analyze() -> None:
    """Give PostgreSQL's planner statistics of the data just loaded.

    autovacuum would do it a minute after a bulk load; measured before that,
    the audit pages are planned as if the table were nearly empty (My activity
    took 25 ms instead of 11). SQLite keeps no statistics unless asked, and
    cpsadmin never asks, so it is measured as it runs.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- What the pages look at ---------------------------------------------------------


def _deep_page(alice) -> dict:
    """A filtered review page 90% of the way down: alice's sign-ins."""
    filters = {"actor": alice, "action": Action.LOGIN}
    matching = order_events(filter_events(filters))
    rows = matching.count()
    event = matching[rows * 9 // 10] if rows else None
    query = f"actor={alice.username}&action={Action.LOGIN.value}"
    if event is not None:
        query += f"&older={Cursor.of(event)}"
    return {"deep_query": query, "deep_rows": rows}


def _export_since() -> str:
    """The first day of the newest quarter of the events (a whole day)."""
    events = AuditEvent.objects.order_by("-created_at", "-id")
    total = events.count()
    event = events[total // 4] if total else None
    day = timezone.localdate(event.created_at) if event else timezone.localdate()
    return day.isoformat()
