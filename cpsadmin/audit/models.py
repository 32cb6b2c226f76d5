"""The audit log: append-only events linked into a hash chain.

Each event stores the SHA-256 of its own canonical content together with the
hash of the event before it, and a gap-free sequence number. Editing, deleting
or reordering events therefore breaks the chain, and verify_chain() finds it.

Rows are never changed once written. The model and its queryset refuse updates
and deletes, and database triggers (migration 0002) refuse them too. The only
way to remove events is the retention command, prune_audit, which deletes the
oldest part of the chain and leaves an AuditCheckpoint for verification to
start from.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    REINSTALL_REQUESTED = "reinstall_requested", _("Reinstall requested")
    REINSTALL_APPROVED = "reinstall_approved", _("Reinstall approved")
    REINSTALL_REJECTED = "reinstall_rejected", _("Reinstall rejected")
    REINSTALL_CANCELLED = "reinstall_cancelled", _("Reinstall cancelled")
    REINSTALL_EXPIRED = "reinstall_expired", _("Reinstall expired")
    REINSTALL_SUBMITTED = "reinstall_submitted", _("Reinstall submitted")
    REINSTALL_FAILED = "reinstall_failed", _("Reinstall failed")
    REINSTALL_COMPLETED = "reinstall_completed", _("Reinstall completed")
    STOP_REQUESTED = "stop_requested", _("Stop requested")
    CATALOGUE_REFRESHED = "catalogue_refreshed", _("Catalogue refreshed")
    AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
    AUDIT_VERIFIED = "audit_verified", _("Audit chain verified")
    AUDIT_PRUNED = "audit_pruned", _("Old audit events removed")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Denied")


def _choice_label(choices, value) -> str:
    """What get_FOO_display() shows: the label, or the stored value if unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class AuditLogImmutable(Exception):
    """Raised when code tries to change or remove a written audit event."""


# The fields covered by an event's hash, in no particular order: the canonical
# form sorts keys. Adding a field here changes every hash, so don't.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "action",
    "outcome",
    "ip",
    "user_agent",
    "request_id",
    "region",
    "instance_id",
    "reinstall_id",
    "jd_request_id",
    "message",
    "data",
    "prev_hash",
)


def canonical_time(value) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def chain_hash(content: dict) -> str:
    """SHA-256 hex of the canonical JSON of an event's hashed fields."""
    content = dict(content)
    content["created_at"] = canonical_time(content["created_at"])
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit events cannot be updated")

    def delete(self):
        raise AuditLogImmutable(
            "audit events cannot be deleted; use the prune_audit command"
        )

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogImmutable("audit events are added one at a time by record()")

    def bulk_update(self, objs, *args, **kwargs):
        raise AuditLogImmutable("audit events cannot be updated")

    update.alters_data = delete.alters_data = True

    def for_reinstall(self, reinstall_id: int):
        return self.filter(reinstall_id=reinstall_id).order_by("created_at", "id")


class AuditEvent(models.Model):
    """One thing that happened, who did it, and how it ended.

    Written only by cpsadmin.audit.services.record(), never changed afterwards.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Who: the user, and their name as it was (users can be renamed).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_username = models.CharField(max_length=150, blank=True)

    action = models.CharField(max_length=40, choices=Action.choices)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )

    # Where from: the web request, when there was one.
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    request_id = models.CharField(_("correlation id"), max_length=64, blank=True)

    # What it was about. reinstall_id is deliberately not a foreign key: the
    # audit log outlives, and does not depend on, the reinstalls app.
    region = models.CharField(max_length=64, blank=True)
    instance_id = models.CharField(max_length=64, blank=True)
    reinstall_id = models.BigIntegerField(null=True, blank=True)
    jd_request_id = models.CharField(_("JD requestId"), max_length=64, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Each filter of the review page, followed by the keyset columns, so a
        # filtered page is one index range scan whatever the table's size.
        indexes = [
            models.Index(fields=["created_at", "id"], name="audit_time"),
            models.Index(fields=["actor", "created_at", "id"], name="audit_actor"),
            models.Index(fields=["action", "created_at", "id"], name="audit_action"),
            models.Index(
                fields=["instance_id", "created_at", "id"], name="audit_instance"
            ),
            models.Index(fields=["region", "created_at", "id"], name="audit_region"),
            models.Index(fields=["outcome", "created_at", "id"], name="audit_outcome"),
            models.Index(
                fields=["reinstall_id", "created_at", "id"], name="audit_reinstall"
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return _("#%(seq)s %(action)s by %(who)s") % {
            "seq": self.seq,
            "action": self.action,
            "who": who,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit events cannot be changed")
        if not self.hash or self.hash != self.compute_hash():
            raise AuditLogImmutable(
                "audit events are written by cpsadmin.audit.services.record()"
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable(
            "audit events cannot be deleted; use the prune_audit command"
        )

    @property
    def outcome_badge(self) -> str:
        return {
            Outcome.SUCCESS: "text-bg-success",
            Outcome.FAILURE: "text-bg-danger",
            Outcome.DENIED: "text-bg-warning",
        }.get(self.outcome, "text-bg-secondary")

    # Django's own get_FOO_display() hashes every (lazily translated) label to
    # find one, about 0.1 ms a call: 5 ms of each 50-row audit page
    # (benchmarks/). These look the one label up and translate only it.
    def get_action_display(self) -> str:
        return _choice_label(Action, self.action)

    def get_outcome_display(self) -> str:
        return _choice_label(Outcome, self.outcome)

    def content(self) -> dict:
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    def compute_hash(self) -> str:
        return chain_hash(self.content())


class AuditChainHead(models.Model):
    """The single row naming the chain's last event.

    Appends lock this row (SELECT ... FOR UPDATE on PostgreSQL), so concurrent
    writers take turns and each links to the event written just before it.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"head at #{self.seq}"


class AuditCheckpoint(models.Model):
    """Where the chain starts after prune_audit removed its oldest events.

    ``through_seq`` and ``through_hash`` are the sequence number and hash of
    the last removed event: the first kept event must follow them.
    """

    created_at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField(help_text=_("Events older than this were removed."))
    deleted = models.PositiveBigIntegerField()
    through_seq = models.PositiveBigIntegerField()
    through_hash = models.CharField(max_length=64)

    class Meta:
        get_latest_by = "through_seq"

    def __str__(self) -> str:
        return f"checkpoint after #{self.through_seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit checkpoints cannot be changed")
        super().save(*args, **kwargs)
