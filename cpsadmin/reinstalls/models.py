from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    SUBMITTED = "submitted", _("Submitted")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


# Once here, a request never moves again and holds no password.
FINAL_STATUSES = frozenset(
    {Status.COMPLETED, Status.REJECTED, Status.CANCELLED, Status.EXPIRED, Status.FAILED}
)


# How long a submitter's claim on an approved request holds. A submitter that
# crashed mid-call is replaced after this; process_reinstalls does the retry.
SUBMIT_LEASE = timedelta(minutes=5)


class ImageType(models.TextChoices):
    STANDARD = "Standard", "Standard"
    STANDARD_APP = "Standard_app", "Standard_app"


class ReinstallRequest(models.Model):
    """One ask to reinstall one server, from request to outcome.

    The spec is kept as the requester chose it, minus the password, which is
    held encrypted only until the request reaches a final status.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reinstall_requests",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )

    # The server, as it was when the request was made.
    region = models.CharField(max_length=64)
    az = models.CharField(max_length=64)
    instance_id = models.CharField(max_length=64, db_index=True)
    instance_name = models.CharField(max_length=128, blank=True)
    device_type = models.CharField(max_length=64)
    previous_os_name = models.CharField(max_length=128, blank=True)
    previous_status = models.CharField(max_length=32, blank=True)

    # The requested spec (ReinstallInstanceSpec without the password).
    image_type = models.CharField(max_length=20, choices=ImageType.choices)
    os_type_id = models.CharField(max_length=64)
    os_name = models.CharField(max_length=128, blank=True)
    sys_raid_type_id = models.CharField(max_length=64)
    sys_raid_type = models.CharField(max_length=32, blank=True)
    data_raid_type_id = models.CharField(max_length=64)
    data_raid_type = models.CharField(max_length=32, blank=True)
    keep_data = models.BooleanField()
    softwares = models.JSONField(default=list, blank=True)
    reason = models.TextField()

    # Fernet token of the password; emptied when the request is final.
    password_encrypted = models.TextField(blank=True, editable=False)

    # Sent with reinstallInstance so that CPS executes it at most once.
    client_token = models.CharField(max_length=36, unique=True, editable=False)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField(null=True, blank=True)

    # Submission bookkeeping: a claim lease lets a crashed submitter be retried.
    submit_claimed_at = models.DateTimeField(null=True, blank=True)
    submit_attempts = models.PositiveSmallIntegerField(default=0)
    jd_request_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.TextField(blank=True)
    last_seen_status = models.CharField(max_length=32, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per server, so a double submit cannot queue two
            # reinstalls of the same machine.
            models.UniqueConstraint(
                fields=["region", "instance_id"],
                condition=models.Q(
                    status__in=["pending_approval", "approved", "submitted"]
                ),
                name="one_open_reinstall_per_server",
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "expires_at"], name="reinstall_status_expiry"
            ),
            models.Index(
                fields=["requester", "-created_at"], name="reinstall_by_requester"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.instance_name or self.instance_id}"

    def get_absolute_url(self) -> str:
        return reverse("reinstalls:detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def next_submit_at(self):
        """When an approved request that CPS left unanswered is sent again."""
        if self.status != Status.APPROVED or not self.submit_claimed_at:
            return None
        return self.submit_claimed_at + SUBMIT_LEASE

    @property
    def keep_data_label(self) -> str:
        return "yes" if self.keep_data else "no"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


class Approval(models.Model):
    """One approver's decision on one request."""

    request = models.ForeignKey(
        ReinstallRequest, on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"], name="one_decision_per_approver"
            )
        ]

    def __str__(self) -> str:
        return f"{self.approver} {self.decision} #{self.request_id}"


class PolicyMode(models.TextChoices):
    ALWAYS = "always", _("Always")
    WIPE_ONLY = "wipe_only", _("Only when data disks are wiped")
    NEVER = "never", _("Never")


class ApprovalPolicy(models.Model):
    """Whether requests need approval, and from how many people.

    A policy for a group applies to its members; the policy with no group is
    the default. Without any policy, every request needs one approval.
    """

    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Requesters in this group. Empty: the default policy."),
    )
    mode = models.CharField(
        max_length=12, choices=PolicyMode.choices, default=PolicyMode.ALWAYS
    )
    approvals_required = models.PositiveSmallIntegerField(
        default=1, choices=[(1, "1"), (2, "2")]
    )

    class Meta:
        verbose_name_plural = _("approval policies")
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(group__isnull=True),
                name="one_default_policy",
            )
        ]

    def __str__(self) -> str:
        who = self.group.name if self.group else _("default")
        return f"{who}: {self.get_mode_display()} ({self.approvals_required})"
