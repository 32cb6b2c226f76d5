"""The reinstall workflow: request, decide, submit, follow to the end.

Every change of status is one guarded step: a conditional UPDATE that names
the status it expects (and checks how many rows it changed), or a row lock
taken before deciding. So two approvers clicking at once, an approval racing a
cancel, or the expiry sweep racing both, end with exactly one outcome, and
reinstallInstance is called at most once per request (its clientToken makes a
retry of that one call a replay, not a second reinstall).

Each step writes its audit event in the same transaction. CPS calls and mail
start from transaction.on_commit, so a step that rolls back reaches neither.
"""

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.debug import sensitive_variables

from cpsadmin.accounts.roles import Role, has_role, server_access
from cpsadmin.audit.models import Action, Outcome
from cpsadmin.audit.services import record
from cpsadmin.cps.client import (
    CpsApiError,
    CpsError,
    Instance,
    ReinstallSpec,
    Software,
    get_client,
)
from cpsadmin.reinstalls import catalogue, crypto, notifications
from cpsadmin.reinstalls.models import (
    FINAL_STATUSES,
    SUBMIT_LEASE,
    Approval,
    ApprovalPolicy,
    Decision,
    ImageType,
    PolicyMode,
    ReinstallRequest,
    Status,
)

logger = logging.getLogger(__name__)

# A submitter holds its claim this long; after that a crashed or unanswered
# submission is retried (with the same clientToken) by process_reinstalls.
# After an unanswered attempt the next one waits 30 s, then 1, 2, 4 minutes.
RETRY_FIRST_DELAY = timedelta(seconds=30)
SUBMIT_MAX_ATTEMPTS = 5
# Refusals that say "not now" rather than "no": rate limited, or busy with
# another task on the server. They are retried like an unanswered call.
RETRYABLE_REFUSALS = frozenset({409, 429})

OPEN_STATUSES = (Status.PENDING, Status.APPROVED, Status.SUBMITTED)
STOPPED = "stopped"
RUNNING = "running"
ERROR = "error"


class WorkflowError(Exception):
    """A refused step; its message is a sentence for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Who may do what -----------------------------------------------------------


def is_approver_for(user, req: ReinstallRequest) -> bool:
    """True when ``user`` holds the approver role over this request's server."""
    access = server_access(user, Role.APPROVER)
    return access.allows(req.region, req.instance_id, req.instance_name)


def decision_refusal(user, req: ReinstallRequest) -> str | None:
    """Why ``user`` may not approve or reject ``req`` at all, or None."""
    if user.pk == req.requester_id:
        return _("You asked for this reinstall, so someone else must decide on it.")
    if not is_approver_for(user, req):
        return _("You are not an approver for this server.")
    return None


def state_refusal(req: ReinstallRequest, now=None) -> str | None:
    """Why ``req`` cannot be decided on any more, or None while it can."""
    now = now or timezone.now()
    if req.status == Status.PENDING and is_past_expiry(req, now):
        return _(
            "This request expired at %(when)s and can no longer be approved or "
            "rejected. The requester can ask again."
        ) % {"when": timezone.localtime(req.expires_at).strftime("%Y-%m-%d %H:%M %Z")}
    messages = {
        Status.APPROVED: _("This request has already been approved."),
        Status.SUBMITTED: _("This request has already been approved and submitted."),
        Status.COMPLETED: _("This request has already been carried out."),
        Status.REJECTED: _("This request has already been rejected."),
        Status.CANCELLED: _("This request was cancelled by its requester."),
        Status.EXPIRED: _(
            "This request expired and can no longer be approved or rejected."
        ),
        Status.FAILED: _("This request has failed and is closed."),
    }
    return messages.get(req.status)


def is_past_expiry(req: ReinstallRequest, now=None) -> bool:
    return req.expires_at is not None and req.expires_at <= (now or timezone.now())


def can_decide(user, req: ReinstallRequest, approvals=None) -> bool:
    """Whether the approve and reject buttons belong on this user's page.

    ``approvals``: the request's decisions, when the caller has them already.
    """
    if decision_refusal(user, req) or state_refusal(req):
        return False
    if approvals is None:
        approvals = req.approvals.all()
    return not any(a.approver_id == user.pk for a in approvals)


def can_cancel(user, req: ReinstallRequest) -> bool:
    return (
        user.pk == req.requester_id
        and req.status == Status.PENDING
        and not is_past_expiry(req)
    )


def approvable_requests(user) -> list[ReinstallRequest]:
    """Pending requests waiting for ``user``, oldest first (three queries).

    Live (not past expiry), in the user's approver scope, not their own and
    not yet decided by them.
    """
    access = server_access(user, Role.APPROVER)
    if access.empty:
        return []
    rows = (
        ReinstallRequest.objects.filter(
            status=Status.PENDING, expires_at__gt=timezone.now()
        )
        .exclude(requester=user)
        .exclude(approvals__approver=user)
        .select_related("requester")
        .prefetch_related("approvals__approver")
        .order_by("created_at", "pk")
    )
    return [
        req
        for req in rows
        if access.allows(req.region, req.instance_id, req.instance_name)
    ]


def pending_approval_count(user) -> int:
    """How many requests wait for ``user``'s decision, for the menu badge."""
    if not user.is_authenticated or not has_role(user, Role.APPROVER):
        return 0
    access = server_access(user, Role.APPROVER)
    if access.empty:
        return 0
    rows = ReinstallRequest.objects.filter(
        status=Status.PENDING, expires_at__gt=timezone.now()
    ).exclude(requester=user)
    rows = rows.exclude(approvals__approver=user)
    if access.everything:
        return rows.count()
    servers = rows.values_list("region", "instance_id", "instance_name")
    return sum(1 for server in servers if access.allows(*server))


def approvers_for(req: ReinstallRequest) -> list:
    """Active users who may decide on ``req``: its notification list."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.APPROVER))
        .exclude(pk=req.requester_id)
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if is_approver_for(user, req)]


# --- Stopping a server -----------------------------------------------------------


def stop_server(user, instance: Instance, client_token: str, http_request=None):
    """Ask CPS to stop a running server for ``user``, on the record either way.

    Nothing of ours changes, so CPS is called first and the outcome, with the
    JD requestId, is recorded after it. A CpsError is recorded, then re-raised
    for the caller to show. ``client_token`` makes a repeated post harmless.
    """
    if not server_access(user, Role.REQUESTER).allows(
        instance.region, instance.instance_id, instance.name
    ):
        raise WorkflowError(_("You may not stop this server."))

    def record_stop(outcome, jd_request_id, message):
        record(
            Action.STOP_REQUESTED,
            actor=user,
            request=http_request,
            outcome=outcome,
            region=instance.region,
            instance_id=instance.instance_id,
            jd_request_id=jd_request_id,
            message=message,
        )

    try:
        with get_client() as client:
            result = client.stop_instance(
                instance.region, instance.instance_id, client_token
            )
    except CpsError as exc:
        record_stop(Outcome.FAILURE, exc.request_id, str(exc))
        raise

    record_stop(Outcome.SUCCESS, result.request_id, instance.name)
    logger.info("Stop of %s requested by %s", instance.instance_id, user.pk)
    return result


# --- The catalogue ---------------------------------------------------------------


def refresh_catalogue(user, region: str, device_type: str | None, http_request=None):
    """Read the catalogue again from CPS, on the record either way.

    CPS is read first; on a CpsError the cached lists stay as they were, and
    the error is recorded, then re-raised for the caller to show.
    """

    def record_refresh(outcome, jd_request_id="", message=""):
        record(
            Action.CATALOGUE_REFRESHED,
            actor=user,
            request=http_request,
            outcome=outcome,
            region=region,
            jd_request_id=jd_request_id,
            message=message,
            data={"device_type": device_type or ""},
        )

    try:
        catalogue.refresh(region, device_type)
    except CpsError as exc:
        record_refresh(Outcome.FAILURE, exc.request_id, str(exc))
        logger.warning(
            "Catalogue refresh of %s failed (requestId %s)",
            region,
            exc.request_id or "-",
        )
        raise

    record_refresh(Outcome.SUCCESS)
    logger.info("Catalogue of %s %s refreshed", region, device_type or "(all)")


# --- Creating a request --------------------------------------------------------


def required_approvals(requester, keep_data: bool) -> int:
    """How many distinct approvers a request needs under the policy.

    The policies of the requester's groups apply, the strictest winning; with
    none of those the default policy (no group) applies; without that, one.
    """
    policies = list(ApprovalPolicy.objects.filter(group__in=requester.groups.all()))
    if not policies:
        policies = list(ApprovalPolicy.objects.filter(group__isnull=True))
    if not policies:
        return 1
    return max(_needed(policy, keep_data) for policy in policies)


def _needed(policy: ApprovalPolicy, keep_data: bool) -> int:
    if policy.mode == PolicyMode.NEVER:
        return 0
    if policy.mode == PolicyMode.WIPE_ONLY and keep_data:
        return 0
    return policy.approvals_required


@sensitive_variables("password")
def create_request(
    requester,
    *,
    instance: Instance,
    os,
    image_type: str,
    sys_raid,
    data_raid,
    keep_data,
    softwares: Iterable = (),
    password: str,
    reason: str,
    http_request=None,
) -> ReinstallRequest:
    """Record a reinstall request and start it on its way.

    1. Check the requester may reinstall this server, that it is stopped and
       that no other request for it is still open.
    2. Snapshot the server and the spec; encrypt the password; give the
       request its clientToken and its expiry.
    3. Apply the approval policy: wait for approvers (and mail them), or go
       straight to approved and submit once the transaction commits.

    ``os``, ``sys_raid`` and ``data_raid`` are catalogue entries (Os, Raid) or
    their ids; ``softwares`` are Software entries or dicts.
    """
    keep_data = _yes_no_bool(keep_data)
    if not server_access(requester, Role.REQUESTER).allows(
        instance.region, instance.instance_id, instance.name
    ):
        raise WorkflowError(_("You may not reinstall this server."))
    if image_type not in ImageType.values:
        raise WorkflowError(_("The image type must be Standard or Standard_app."))
    if instance.status != STOPPED:
        raise WorkflowError(
            _("Only a stopped server can be reinstalled; %(name)s is %(status)s.")
            % {
                "name": instance.name or instance.instance_id,
                "status": pgettext("server status", instance.status),
            }
        )
    if not (reason or "").strip():
        raise WorkflowError(_("Please give a reason for the reinstall."))
    if not password:
        raise WorkflowError(_("A password is required."))

    now = timezone.now()
    needed = required_approvals(requester, keep_data)
    expiry = timedelta(hours=settings.REINSTALL_APPROVAL_EXPIRY_HOURS)
    req = ReinstallRequest(
        requester=requester,
        status=Status.PENDING if needed else Status.APPROVED,
        region=instance.region,
        az=instance.az,
        instance_id=instance.instance_id,
        instance_name=_fit("instance_name", instance.name),
        device_type=instance.device_type,
        previous_os_name=_fit("previous_os_name", instance.os_name),
        previous_status=_fit("previous_status", instance.status),
        image_type=image_type,
        os_type_id=_attr(os, "os_type_id"),
        os_name=_fit("os_name", _attr(os, "os_name", "")),
        sys_raid_type_id=_attr(sys_raid, "raid_type_id"),
        sys_raid_type=_fit("sys_raid_type", _attr(sys_raid, "raid_type", "")),
        data_raid_type_id=_attr(data_raid, "raid_type_id"),
        data_raid_type=_fit("data_raid_type", _attr(data_raid, "raid_type", "")),
        keep_data=keep_data,
        softwares=[software_record(s) for s in softwares or ()],
        reason=reason.strip(),
        password_encrypted=crypto.encrypt_password(password),
        client_token=str(uuid.uuid4()),
        required_approvals=max(needed, 1),
        expires_at=now + expiry if needed else None,
        decided_at=None if needed else now,
        created_at=now,
    )

    try:
        with transaction.atomic():
            if _open_request_for(req.region, req.instance_id) is not None:
                raise _OpenRequestExists
            req.save()
            record(
                Action.REINSTALL_REQUESTED,
                actor=requester,
                request=http_request,
                region=req.region,
                instance_id=req.instance_id,
                reinstall=req,
                message=req.reason,
                data=spec_data(req, needed),
            )
            if needed:
                notifications.notify("approval_needed", req)
            else:
                _submit_on_commit(req)
    except (_OpenRequestExists, IntegrityError):
        existing = _open_request_for(req.region, req.instance_id)
        raise WorkflowError(
            _("Request #%(pk)s for this server is still open.")
            % {"pk": existing.pk if existing else "?"}
        ) from None

    logger.info(
        "Reinstall %s requested by %s for %s (%s approvals needed)",
        req.pk,
        requester.pk,
        req.instance_id,
        needed,
    )
    return req


class _OpenRequestExists(Exception):
    pass


def _open_request_for(region: str, instance_id: str) -> ReinstallRequest | None:
    return (
        ReinstallRequest.objects.filter(
            region=region, instance_id=instance_id, status__in=OPEN_STATUSES
        )
        .order_by("pk")
        .first()
    )


def _yes_no_bool(value) -> bool:
    if isinstance(value, str):
        if value.lower() not in ("yes", "no"):
            raise WorkflowError(_("keepData must be yes or no."))
        return value.lower() == "yes"
    return bool(value)


def _attr(value, name: str, default=None) -> str:
    """A catalogue entry's field, or the value itself when it is the id."""
    if isinstance(value, str):
        return value if default is None else default
    return getattr(value, name)


def software_record(software: Software) -> dict:
    """A chosen software package as ReinstallRequest.softwares stores it."""
    return {
        "name": software.name,
        "version": software.version,
        "os_type_id": software.os_type_id,
        "description": software.description,
    }


def spec_data(req: ReinstallRequest, needed: int) -> dict:
    """The spec for the audit log: everything but the password."""
    return {
        "client_token": req.client_token,
        "image_type": req.image_type,
        "os_type_id": req.os_type_id,
        "sys_raid_type_id": req.sys_raid_type_id,
        "data_raid_type_id": req.data_raid_type_id,
        "keep_data": req.keep_data_label,
        "softwares": [s["name"] for s in req.softwares],
        "approvals_required": needed,
    }


# --- Deciding ------------------------------------------------------------------


def approve(req: ReinstallRequest, approver, comment: str = "", http_request=None):
    """Add ``approver``'s approval; the last one needed approves the request.

    1. Refuse the requester (superusers included) and anyone who is not an
       approver for this server.
    2. Lock the request row, so approvals, cancels and the expiry sweep take
       turns. Refuse a request that is no longer pending, is past its expiry
       (expiring it on the spot) or was already approved by this person.
    3. Store the approval. When enough distinct people have approved, move
       the request to approved; it is submitted once the transaction commits.

    Returns the request as it is now; raises WorkflowError when refused.
    """
    return _decide(req, approver, Decision.APPROVE, comment, http_request)


def reject(req: ReinstallRequest, approver, comment: str, http_request=None):
    """Reject a pending request; one rejection ends it. A comment is required."""
    return _decide(req, approver, Decision.REJECT, comment, http_request)


def _decide(req, user, decision, comment, http_request):
    """Approve or reject ``req`` for ``user``; a refusal is audited, then raised.

    Who may decide is checked first. The request's state and the user's
    earlier decision are checked again under a row lock, so that concurrent
    decisions on one request take turns.
    """
    approving = decision == Decision.APPROVE
    action = Action.REINSTALL_APPROVED if approving else Action.REINSTALL_REJECTED
    comment = (comment or "").strip()
    if not approving and not comment:
        raise WorkflowError(_("Please say why you reject this request."))

    refusal = decision_refusal(user, req)
    if refusal:
        with transaction.atomic():
            _record_denied(action, user, req, refusal, comment, http_request)
        raise WorkflowError(refusal)

    with transaction.atomic():
        locked = ReinstallRequest.objects.select_for_update().get(pk=req.pk)
        refusal = _locked_refusal(locked, user)
        if refusal:
            _record_denied(action, user, locked, refusal, comment, http_request)
        else:
            _store_decision(locked, user, decision, comment, http_request)

    req.refresh_from_db()
    if refusal:
        raise WorkflowError(refusal)
    return locked


def _locked_refusal(locked: ReinstallRequest, user) -> str | None:
    now = timezone.now()
    refusal = state_refusal(locked, now)
    if locked.status == Status.PENDING and is_past_expiry(locked, now):
        # The sweeper has not come by yet; the late decision does its work.
        _expire(locked)
    if refusal:
        return refusal
    if locked.approvals.filter(approver=user).exists():
        return _("You have already decided on this request.")
    return None


def _store_decision(locked, user, decision, comment, http_request) -> None:
    """Save a decision on a locked, pending request and move it on.

    One rejection ends the request. An approval that reaches
    ``required_approvals`` approves it and submits it on commit.
    """
    try:
        with transaction.atomic():
            Approval.objects.create(
                request=locked, approver=user, decision=decision, comment=comment
            )
    except IntegrityError:
        raise WorkflowError(_("You have already decided on this request.")) from None

    if decision == Decision.REJECT:
        _transition(locked, Status.PENDING, Status.REJECTED, decided_at=timezone.now())
        _record_step(
            Action.REINSTALL_REJECTED, locked, user, comment, http_request=http_request
        )
        notifications.notify("rejected", locked)
        logger.info("Reinstall %s rejected by %s", locked.pk, user.pk)
        return

    approved = locked.approvals.filter(decision=Decision.APPROVE).count()
    final = approved >= locked.required_approvals
    data = {"approvals": approved, "required": locked.required_approvals}
    if final:
        _transition(locked, Status.PENDING, Status.APPROVED, decided_at=timezone.now())
    _record_step(
        Action.REINSTALL_APPROVED,
        locked,
        user,
        comment,
        http_request=http_request,
        data=data,
    )
    logger.info(
        "Reinstall %s approved by %s (%s of %s)",
        locked.pk,
        user.pk,
        approved,
        locked.required_approvals,
    )
    if final:
        notifications.notify("approved", locked)
        _submit_on_commit(locked)


def cancel(req: ReinstallRequest, user, http_request=None) -> ReinstallRequest:
    """Withdraw a pending request; only its requester may, and only while pending."""
    if user.pk != req.requester_id:
        refusal = _("Only the requester can cancel this request.")
        with transaction.atomic():
            _record_denied(
                Action.REINSTALL_CANCELLED, user, req, refusal, "", http_request
            )
        raise WorkflowError(refusal)

    with transaction.atomic():
        locked = ReinstallRequest.objects.select_for_update().get(pk=req.pk)
        refusal = None
        if locked.status == Status.PENDING and is_past_expiry(locked):
            _expire(locked)
            refusal = _("This request has expired; there is nothing to cancel.")
        elif not _transition(locked, Status.PENDING, Status.CANCELLED):
            refusal = state_refusal(locked) or _("This request cannot be cancelled.")
        if refusal:
            _record_denied(
                Action.REINSTALL_CANCELLED, user, locked, refusal, "", http_request
            )
        else:
            _record_step(Action.REINSTALL_CANCELLED, locked, user, "", http_request)
            logger.info("Reinstall %s cancelled by its requester", locked.pk)

    req.refresh_from_db()
    if refusal:
        raise WorkflowError(refusal)
    return locked


def decide_many(
    pks: Iterable[int], user, decision: str, comment: str, http_request=None
) -> list[tuple[int, ReinstallRequest | None, str | None]]:
    """Approve or reject several requests, each as if on its own.

    Returns ``(pk, request, refusal)`` per pk; refusal is None on success.
    Requests the user may not see come back as (pk, None, "not found").
    """
    pks = list(pks)
    results = []
    by_pk = ReinstallRequest.objects.in_bulk(pks)
    for pk in pks:
        req = by_pk.get(pk)
        if req is None or not is_approver_for(user, req):
            results.append((pk, None, _("Request #%(pk)s not found.") % {"pk": pk}))
            continue
        act = approve if decision == Decision.APPROVE else reject
        try:
            req = act(req, user, comment, http_request=http_request)
        except WorkflowError as exc:
            results.append((pk, req, exc.message))
        else:
            results.append((pk, req, None))
    return results


# --- Expiry --------------------------------------------------------------------


def expire_stale(now=None, *, dry_run: bool = False) -> list[int]:
    """Expire pending requests past their expiry; returns their pks."""
    now = now or timezone.now()
    stale = list(
        ReinstallRequest.objects.filter(
            status=Status.PENDING, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    if dry_run:
        return stale

    expired = []
    for pk in stale:
        with transaction.atomic():
            req = ReinstallRequest.objects.filter(pk=pk).first()
            if req is not None and _expire(req, now):
                expired.append(pk)
    return expired


def _expire(req: ReinstallRequest, now=None) -> bool:
    """Move one pending request past its expiry to expired (inside a transaction)."""
    now = now or timezone.now()
    moved = _transition(
        req, Status.PENDING, Status.EXPIRED, extra=Q(expires_at__lte=now)
    )
    if moved:
        _record_step(Action.REINSTALL_EXPIRED, req, None, "")
        notifications.notify("expired", req)
        logger.info("Reinstall %s expired unapproved", req.pk)
    return moved


# --- Submission ----------------------------------------------------------------


def _submit_on_commit(req: ReinstallRequest) -> None:
    from cpsadmin.reinstalls import tasks

    pk = req.pk
    transaction.on_commit(lambda: _enqueue(tasks.submit_reinstall, pk))


def _enqueue(task, *args) -> None:
    try:
        task.enqueue(*args)
    except Exception:
        # process_reinstalls picks the request up after the lease.
        logger.exception("Could not enqueue %s%r", task.name, args)


@sensitive_variables("password")
def submit(req: ReinstallRequest) -> ReinstallRequest:
    """Send an approved request to CPS, exactly once whatever goes wrong.

    1. Claim it with a conditional update: approved, and unclaimed or claimed
       longer ago than the lease. Losing the claim means another process is
       on it; return.
    2. On the first attempt, check with describeInstance that the server is
       still stopped; if not, the request fails with that reason. (A retry
       skips this check: the server may be reinstalling because our earlier
       call did execute, and CPS refuses a non-stopped server itself.)
    3. Call reinstallInstance with the request's clientToken and the
       decrypted password.
    4. Success: submitted. A 4xx answer: failed, with CPS's status, message
       and requestId. No answer or a 5xx: keep the claim, so process_reinstalls
       retries with the same clientToken after the lease (CPS replays a token
       it has run), until SUBMIT_MAX_ATTEMPTS.
    """
    now = timezone.now()
    claimed = (
        ReinstallRequest.objects.filter(pk=req.pk, status=Status.APPROVED)
        .filter(
            Q(submit_claimed_at__isnull=True)
            | Q(submit_claimed_at__lte=now - SUBMIT_LEASE)
        )
        .update(
            submit_claimed_at=now,
            submit_attempts=F("submit_attempts") + 1,
            updated_at=now,
        )
    )
    req.refresh_from_db()
    if not claimed:
        return req

    try:
        with get_client() as client:
            if req.submit_attempts == 1:
                instance = client.describe_instance(req.region, req.instance_id)
                if instance.status != STOPPED:
                    reason = _(
                        "The server is no longer stopped (its status is "
                        "%(status)s), so it was not reinstalled."
                    ) % {"status": pgettext("server status", instance.status)}
                    return _fail(req, reason, last_seen_status=instance.status)
            password = crypto.decrypt_password(req.password_encrypted)
            result = client.reinstall_instance(
                req.region,
                req.instance_id,
                _spec(req, password),
                client_token=req.client_token,
            )
    except crypto.PasswordUnavailable as exc:
        return _fail(req, _("The stored password is unusable: %(e)s.") % {"e": exc})
    except CpsApiError as exc:
        if exc.code >= 500 or exc.code in RETRYABLE_REFUSALS:
            return _submission_unanswered(req, exc)
        if exc.action == "reinstallInstance":
            what = _("CPS refused the reinstall")
        else:
            what = _("CPS could not check the server, so nothing was sent")
        reason = _("%(what)s: %(code)s %(status)s: %(msg)s") % {
            "what": what,
            "code": exc.code,
            "status": exc.status,
            "msg": exc.message,
        }
        return _fail(req, reason, jd_request_id=exc.request_id)
    except CpsError as exc:
        return _submission_unanswered(req, exc)

    if not result.success:
        return _fail(
            req,
            _("CPS answered that the reinstall did not succeed."),
            jd_request_id=result.request_id,
        )
    with transaction.atomic():
        moved = _transition(
            req,
            Status.APPROVED,
            Status.SUBMITTED,
            password_encrypted="",
            jd_request_id=result.request_id,
            submitted_at=timezone.now(),
            failure_reason="",
        )
        if moved:
            _record_step(Action.REINSTALL_SUBMITTED, req, None, "")
    logger.info(
        "Reinstall %s sent to CPS for %s (requestId %s)",
        req.pk,
        req.instance_id,
        result.request_id,
    )
    return req


@sensitive_variables("password")
def _spec(req: ReinstallRequest, password: str) -> ReinstallSpec:
    return ReinstallSpec(
        az=req.az,
        image_type=req.image_type,
        os_type_id=req.os_type_id,
        sys_raid_type_id=req.sys_raid_type_id,
        data_raid_type_id=req.data_raid_type_id,
        keep_data=req.keep_data,
        password=password,
        softwares=tuple(
            Software(
                name=s["name"],
                version=s["version"],
                os_type_id=s["os_type_id"],
                description=s.get("description", ""),
            )
            for s in req.softwares
        ),
    )


def _submission_unanswered(req: ReinstallRequest, exc: CpsError) -> ReinstallRequest:
    """CPS may or may not have run the call: retry later, or give up."""
    if req.submit_attempts >= SUBMIT_MAX_ATTEMPTS:
        reason = _(
            "CPS did not confirm the reinstall after %(n)s attempts: %(error)s"
        ) % {"n": req.submit_attempts, "error": exc}
        return _fail(req, reason, jd_request_id=exc.request_id)

    logger.warning(
        "Reinstall %s: no usable answer from CPS (attempt %s, requestId %s); "
        "will retry with the same clientToken",
        req.pk,
        req.submit_attempts,
        exc.request_id or "-",
    )
    # Back-date the claim so that it lapses after the delay, not the full lease.
    delay = min(RETRY_FIRST_DELAY * 2 ** (req.submit_attempts - 1), SUBMIT_LEASE)
    claimed_at = timezone.now() - SUBMIT_LEASE + delay
    with transaction.atomic():
        ReinstallRequest.objects.filter(pk=req.pk, status=Status.APPROVED).update(
            failure_reason=str(exc),
            submit_claimed_at=claimed_at,
            updated_at=timezone.now(),
        )
        req.failure_reason = str(exc)
        req.submit_claimed_at = claimed_at
        _record_step(
            Action.REINSTALL_SUBMITTED,
            req,
            None,
            _("Attempt %(n)s of %(max)s got no usable answer; will retry: %(e)s")
            % {"n": req.submit_attempts, "max": SUBMIT_MAX_ATTEMPTS, "e": exc},
            outcome=Outcome.FAILURE,
            jd_request_id=exc.request_id,
        )
    return req


def _fail(
    req: ReinstallRequest,
    reason: str,
    *,
    jd_request_id: str = "",
    last_seen_status: str = "",
    from_status: str = Status.APPROVED,
) -> ReinstallRequest:
    """Fail ``req`` with ``reason``, unless it has already left ``from_status``."""
    changes = {"failure_reason": reason}
    if jd_request_id:
        changes["jd_request_id"] = jd_request_id
    if last_seen_status:
        changes["last_seen_status"] = last_seen_status
    with transaction.atomic():
        if _transition(req, from_status, Status.FAILED, **changes):
            _record_step(
                Action.REINSTALL_FAILED,
                req,
                None,
                reason,
                outcome=Outcome.FAILURE,
                jd_request_id=jd_request_id,
            )
            notifications.notify("failed", req)
            logger.info("Reinstall %s failed: %s", req.pk, reason)
    return req


def retry_unsubmitted(now=None, *, dry_run: bool = False) -> list[int]:
    """Submit approved requests that nobody holds a live claim on."""
    now = now or timezone.now()
    due = list(
        ReinstallRequest.objects.filter(status=Status.APPROVED)
        .filter(
            Q(submit_claimed_at__isnull=True)
            | Q(submit_claimed_at__lte=now - SUBMIT_LEASE)
        )
        .order_by("pk")
    )
    if not dry_run:
        for req in due:
            submit(req)
    return [req.pk for req in due]


# --- Following a submitted reinstall ------------------------------------------


def refresh_progress(req: ReinstallRequest) -> ReinstallRequest:
    """Look at the server once: running again means done, error means failed."""
    if req.status != Status.SUBMITTED:
        return req
    try:
        with get_client() as client:
            instance = client.describe_instance(req.region, req.instance_id)
    except CpsError as exc:
        logger.warning(
            "Reinstall %s: cannot read %s (requestId %s): %s",
            req.pk,
            req.instance_id,
            exc.request_id or "-",
            exc,
        )
        return req

    status = instance.status
    if status == RUNNING:
        with transaction.atomic():
            if _transition(
                req, Status.SUBMITTED, Status.COMPLETED, last_seen_status=status
            ):
                _record_step(
                    Action.REINSTALL_COMPLETED,
                    req,
                    None,
                    _("The server runs %(os)s.") % {"os": instance.os_name or "?"},
                    jd_request_id=req.jd_request_id,
                )
                notifications.notify("completed", req)
                logger.info("Reinstall %s completed", req.pk)
    elif status == ERROR:
        _fail(
            req,
            _("The server went into the error status while reinstalling."),
            jd_request_id=req.jd_request_id,
            last_seen_status=status,
            from_status=Status.SUBMITTED,
        )
    elif _fit("last_seen_status", status) != req.last_seen_status:
        req.last_seen_status = _fit("last_seen_status", status)
        ReinstallRequest.objects.filter(pk=req.pk).update(
            last_seen_status=req.last_seen_status
        )
        logger.info("Reinstall %s: server %s is %s", req.pk, req.instance_id, status)
    return req


def follow_submitted(*, dry_run: bool = False) -> list[int]:
    """refresh_progress for every submitted request; returns their pks."""
    submitted = list(
        ReinstallRequest.objects.filter(status=Status.SUBMITTED).order_by("pk")
    )
    if not dry_run:
        for req in submitted:
            refresh_progress(req)
    return [req.pk for req in submitted]


# --- Plumbing ------------------------------------------------------------------


def _transition(req, from_status, to_status, *, extra: Q | None = None, **changes):
    """Move ``req`` from one status to the next in one conditional UPDATE.

    Returns False, changing nothing, when the row is no longer in
    ``from_status``. A final status erases the password.
    """
    now = timezone.now()
    changes = {name: _fit(name, value) for name, value in changes.items()}
    if to_status in FINAL_STATUSES:
        changes["password_encrypted"] = ""
        changes.setdefault("finished_at", now)
    changes["updated_at"] = now
    rows = ReinstallRequest.objects.filter(pk=req.pk, status=from_status)
    if extra is not None:
        rows = rows.filter(extra)
    if not rows.update(status=to_status, **changes):
        req.refresh_from_db()
        return False
    req.status = to_status
    for name, value in changes.items():
        setattr(req, name, value)
    return True


def _fit(name: str, value):
    """``value`` cut to its column: CPS promises no length for what it returns."""
    max_length = ReinstallRequest._meta.get_field(name).max_length
    if isinstance(value, str) and max_length:
        return value[:max_length]
    return value


def _record_step(
    action,
    req,
    actor,
    message,
    http_request=None,
    *,
    outcome=Outcome.SUCCESS,
    jd_request_id="",
    data=None,
):
    record(
        action,
        actor=actor,
        request=http_request,
        outcome=outcome,
        region=req.region,
        instance_id=req.instance_id,
        reinstall=req,
        jd_request_id=jd_request_id or req.jd_request_id,
        message=message,
        data=data,
    )


def _record_denied(action, user, req, refusal, comment, http_request) -> None:
    message = f"{refusal} {comment}".strip() if comment else refusal
    _record_step(
        action, req, user, message, http_request=http_request, outcome=Outcome.DENIED
    )


def process_once(*, dry_run: bool = False) -> dict[str, list[int]]:
    """One sweep of the background work that has no user request behind it.

    1. Expire pending requests past their expiry.
    2. Submit approved requests whose submission never happened, crashed or
       got no answer (after the claim lease).
    3. Follow submitted reinstalls until the server runs again.
    """
    return {
        "expired": expire_stale(dry_run=dry_run),
        "submitted": retry_unsubmitted(dry_run=dry_run),
        "followed": follow_submitted(dry_run=dry_run),
    }
