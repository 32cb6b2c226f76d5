"""Writing, verifying and pruning the audit log.

record() is the only way events are written. It must run inside the same
transaction as the change it records, so that both commit or neither does.
"""

import ipaddress
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from cpsadmin.audit.models import (
    HASHED_FIELDS,
    Action,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    Outcome,
    chain_hash,
)
from cpsadmin.correlation import current_request_id

logger = logging.getLogger(__name__)

USER_AGENT_MAX = AuditEvent._meta.get_field("user_agent").max_length
FIELD_MAX = 64


def trust_x_forwarded_for() -> bool:
    """AUDIT_TRUST_X_FORWARDED_FOR: only true when a trusted proxy sets it."""
    value = getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False)
    if not isinstance(value, bool):
        raise ImproperlyConfigured(
            f"AUDIT_TRUST_X_FORWARDED_FOR must be True or False, not {value!r}"
        )
    return value


def _normal_ip(raw: str) -> str | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(str(address))
    return str(address)


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or the proxy's word for it.

    With AUDIT_TRUST_X_FORWARDED_FOR the last X-Forwarded-For entry is used:
    it is the one our own proxy appended, while earlier ones are whatever the
    client chose to send.
    """
    if trust_x_forwarded_for():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return _normal_ip(forwarded.split(",")[-1])
    return _normal_ip(request.META.get("REMOTE_ADDR", ""))


def _json_safe(data) -> dict:
    # Hash exactly what the JSON column will give back.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def record(
    action,
    *,
    actor=None,
    request=None,
    outcome=Outcome.SUCCESS,
    region="",
    instance_id="",
    reinstall=None,
    jd_request_id="",
    message="",
    data=None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    1. Take details from the request (user, IP, user agent, correlation id).
    2. Lock the chain head, so writers append one at a time.
    3. Link the event to the head's hash, insert it and move the head.
    """
    action = Action(action)
    outcome = Outcome(outcome)

    ip = user_agent = None
    request_id = current_request_id()
    if request is not None:
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
        ip = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        request_id = getattr(request, "request_id", "") or request_id

    # A ReinstallRequest says where it happened; a bare pk does not.
    reinstall_id = getattr(reinstall, "pk", reinstall)
    region = region or getattr(reinstall, "region", "")
    instance_id = instance_id or getattr(reinstall, "instance_id", "")

    event = AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action.value,
        outcome=outcome.value,
        ip=ip,
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
        request_id=request_id[:FIELD_MAX],
        region=region[:FIELD_MAX],
        instance_id=instance_id[:FIELD_MAX],
        reinstall_id=int(reinstall_id) if reinstall_id is not None else None,
        jd_request_id=(jd_request_id or "")[:FIELD_MAX],
        message=message,
        data=_json_safe(data),
    )

    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event.seq = head.seq + 1
        event.created_at = timezone.now()
        event.prev_hash = head.hash
        event.hash = event.compute_hash()
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])

    logger.debug("Audit event %s: %s", event.seq, event.action)
    return event


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # missing, broken_link, edited, head_mismatch, checkpoint
    seq: int | None
    event_id: int | None
    detail: str

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_seq: int | None
    last_seq: int | None
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "problem": self.problem.detail if self.problem else "",
            "problem_kind": self.problem.kind if self.problem else "",
            "problem_seq": self.problem.seq if self.problem else None,
        }


def _checkpoint_problem(checkpoint, events) -> ChainProblem | None:
    """A checkpoint counts only if the chain itself records the prune."""
    if checkpoint is None:
        return None
    pruned = (
        events.filter(action=Action.AUDIT_PRUNED, seq__gt=checkpoint.through_seq)
        .values_list("data", flat=True)
        .order_by("-seq")
        .first()
    )
    if pruned is None or (
        pruned.get("through_seq") != checkpoint.through_seq
        or pruned.get("through_hash") != checkpoint.through_hash
    ):
        return ChainProblem(
            "checkpoint",
            checkpoint.through_seq,
            None,
            f"Checkpoint after #{checkpoint.through_seq} is not backed by an "
            "audit_pruned event in the chain.",
        )
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in sequence order and report its first problem.

    Starts after the latest checkpoint, if any. Finds edited events (hash no
    longer matches the content), missing events (a gap in the sequence, or
    the head pointing past the last event) and reordered or inserted events
    (an event whose prev_hash is not the hash of the event before it).
    """
    checkpoint = AuditCheckpoint.objects.order_by("-through_seq").first()
    expected_seq = checkpoint.through_seq + 1 if checkpoint else 1
    expected_prev = checkpoint.through_hash if checkpoint else ""
    head = AuditChainHead.objects.filter(pk=1).first()

    events = AuditEvent.objects.all()
    checked, first_seq, last_seq = 0, None, None
    problem = _checkpoint_problem(checkpoint, events)

    # Stop at the head as read above: events appended during the walk are
    # for the next run, not a mismatch with the head.
    walk = events.filter(seq__gte=expected_seq)
    if head is not None:
        walk = walk.filter(seq__lte=head.seq)
    rows = (
        walk.order_by("seq")
        .values("id", "hash", *HASHED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    if problem is None:
        for row in rows:
            problem = _row_problem(row, expected_seq, expected_prev)
            if problem:
                break
            checked += 1
            first_seq = first_seq or row["seq"]
            last_seq = row["seq"]
            expected_seq, expected_prev = row["seq"] + 1, row["hash"]

    if problem is None:
        problem = _head_problem(head, expected_seq, expected_prev)

    report = ChainReport(checked, first_seq, last_seq, problem)
    if problem:
        logger.warning("Audit chain broken: %s", problem.detail)
    else:
        logger.info("Audit chain verified: %s events checked", checked)
    return report


def _row_problem(row, expected_seq, expected_prev) -> ChainProblem | None:
    """What is wrong with one event, given the seq and link the chain expects."""
    seq, event_id = row["seq"], row["id"]
    if seq != expected_seq:
        return ChainProblem(
            "missing",
            expected_seq,
            None,
            f"Event #{expected_seq} is missing"
            + (f" (through #{seq - 1})" if seq - 1 > expected_seq else "")
            + ": it was deleted.",
        )
    if row["prev_hash"] != expected_prev:
        return ChainProblem(
            "broken_link",
            seq,
            event_id,
            f"Event #{seq} (id {event_id}) does not follow event #{seq - 1}: "
            "events were reordered, inserted or their links edited.",
        )
    content = {name: row[name] for name in HASHED_FIELDS}
    if chain_hash(content) != row["hash"]:
        return ChainProblem(
            "edited",
            seq,
            event_id,
            f"Event #{seq} (id {event_id}) was edited: its content no longer "
            "matches its hash.",
        )
    return None


def _head_problem(head, expected_seq, expected_prev) -> ChainProblem | None:
    """Whether the chain head still names the last event the walk reached."""
    last = expected_seq - 1
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else ""
    if head_seq > last:
        return ChainProblem(
            "missing",
            expected_seq,
            None,
            f"Events #{expected_seq} to #{head_seq} are missing from the end "
            "of the chain: they were deleted.",
        )
    if head_seq < last or head_hash != expected_prev:
        return ChainProblem(
            "head_mismatch",
            last,
            None,
            f"The chain head (#{head_seq}) does not match the last event (#{last}).",
        )
    return None


@dataclass(frozen=True)
class PrunePlan:
    before: datetime
    deleted: int
    through_seq: int | None


def plan_prune(before: datetime) -> PrunePlan:
    """Which events prune_before(before) would remove.

    Only a prefix of the chain goes: everything up to the first event at or
    after ``before``, so the kept events still link to one another.
    """
    events = AuditEvent.objects.all()
    keep_from = (
        events.filter(created_at__gte=before)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    older = events.filter(created_at__lt=before)
    if keep_from is not None:
        older = events.filter(seq__lt=keep_from)
    through_seq = older.order_by("-seq").values_list("seq", flat=True).first()
    return PrunePlan(before, older.count() if through_seq else 0, through_seq)


def prune_before(before: datetime) -> PrunePlan:
    """Delete the events older than ``before`` and leave a checkpoint.

    1. Plan the prefix of the chain to remove (see plan_prune).
    2. Switch on the retention permission for this transaction only, which
       the database triggers check, delete, and switch it off again.
    3. Write an AuditCheckpoint and an audit_pruned event that names it.
    """
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        plan = plan_prune(before)
        if not plan.through_seq:
            return plan

        through_hash = (
            AuditEvent.objects.filter(seq=plan.through_seq)
            .values_list("hash", flat=True)
            .get()
        )
        deleted = _delete_through(plan.through_seq)
        AuditCheckpoint.objects.create(
            before=before,
            deleted=deleted,
            through_seq=plan.through_seq,
            through_hash=through_hash,
        )
        record(
            Action.AUDIT_PRUNED,
            message=f"Removed {deleted} audit events older than {before:%Y-%m-%d}",
            data={
                "before": before.isoformat(),
                "deleted": deleted,
                "through_seq": plan.through_seq,
                "through_hash": through_hash,
            },
        )

    logger.info("Pruned %s audit events through #%s", deleted, plan.through_seq)
    return PrunePlan(before, deleted, plan.through_seq)


def _delete_through(seq: int) -> int:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        _allow_retention(cursor, True)
        cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [seq])  # noqa: S608
        deleted = cursor.rowcount
        _allow_retention(cursor, False)
    return deleted


def _allow_retention(cursor, allowed: bool) -> None:
    """The switch the delete triggers look for (see migration 0002).

    PostgreSQL: a transaction-local setting. SQLite: a row in
    audit_retention_lock, which only this transaction can see or change.
    """
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT set_config('cpsadmin.audit_retention', %s, true)",
            ["on" if allowed else "off"],
        )
    elif connection.vendor == "sqlite":
        if allowed:
            cursor.execute("INSERT INTO audit_retention_lock (id) VALUES (1)")
        else:
            cursor.execute("DELETE FROM audit_retention_lock")
    else:
        raise ImproperlyConfigured(
            f"The audit log does not support the {connection.vendor} database"
        )
