"""The approvers' side: the queue, decisions, and the requester's cancel.

The decisions themselves live in services.py; these views check access, read
a form, call one service and pick the response.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cpsadmin.accounts.roles import Role, has_role
from cpsadmin.cps.client import CpsError, get_client
from cpsadmin.htmx import is_partial, redirect_to, vary_on_htmx
from cpsadmin.reinstalls import services
from cpsadmin.reinstalls.forms import (
    ApprovalFilterForm,
    BulkDecisionForm,
    DecisionForm,
    RejectForm,
)
from cpsadmin.reinstalls.models import Decision, ReinstallRequest, Status

logger = logging.getLogger(__name__)


def _require_approver(request: HttpRequest) -> None:
    if not has_role(request.user, Role.APPROVER):
        raise PermissionDenied(_("Only approvers can see the approvals queue."))


def _visible_request(request: HttpRequest, pk: int) -> ReinstallRequest:
    """The request, if the user is its requester or an approver for it; else 404."""
    req = get_object_or_404(ReinstallRequest.objects.select_related("requester"), pk=pk)
    if req.requester_id != request.user.pk and not services.is_approver_for(
        request.user, req
    ):
        raise Http404
    return req


@require_GET
@login_required
def list_approvals(request: HttpRequest) -> HttpResponse:
    _require_approver(request)

    waiting = services.approvable_requests(request.user)
    form = ApprovalFilterForm(
        request.GET or None,
        regions=sorted({r.region for r in waiting}),
        requesters=sorted({r.requester.get_username() for r in waiting}),
    )
    shown = form.apply(waiting) if form.is_bound else waiting

    ctx = {
        "filter_form": form,
        "bulk_form": BulkDecisionForm(),
        "requests": shown,
        "waiting_count": len(waiting),
        "now": timezone.now(),
    }
    if is_partial(request):
        response = render(request, "htmx/approval_rows.html", ctx)
    else:
        response = render(request, "reinstalls/approvals.html", ctx)
    return vary_on_htmx(response)


@require_POST
@login_required
def decide_many(request: HttpRequest) -> HttpResponse:
    _require_approver(request)
    queue = reverse("reinstalls:approvals")

    form = BulkDecisionForm(request.POST, pks=request.POST.getlist("ids"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_to(request, queue)

    results = services.decide_many(
        form.cleaned_data["ids"],
        request.user,
        form.cleaned_data["decision"],
        form.cleaned_data["comment"],
        http_request=request,
    )
    for pk, req, refusal in results:
        if refusal:
            messages.error(request, _("#%(pk)s: %(why)s") % {"pk": pk, "why": refusal})
        else:
            messages.success(request, _decided_message(req))
    return redirect_to(request, queue)


def _decide(request: HttpRequest, pk: int, form_class, decide) -> HttpResponse:
    """Approve or reject: the same steps, with a different form and service."""
    req = _visible_request(request, pk)

    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["comment"][0])
        return redirect_to(request, req.get_absolute_url())

    try:
        req = decide(
            req, request.user, form.cleaned_data["comment"], http_request=request
        )
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _decided_message(req))
    return redirect_to(request, req.get_absolute_url())


@require_POST
@login_required
def approve_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, DecisionForm, services.approve)


@require_POST
@login_required
def reject_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, RejectForm, services.reject)


@require_POST
@login_required
def cancel_request(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible_request(request, pk)

    try:
        req = services.cancel(req, request.user, http_request=request)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request #%(pk)s was cancelled.") % {"pk": req.pk})
    return redirect_to(request, req.get_absolute_url())


def _decided_message(req: ReinstallRequest) -> str:
    # Submission ran on commit and may have moved the request on since.
    req.refresh_from_db()
    name = req.instance_name or req.instance_id
    if req.status == Status.REJECTED:
        text = _("Request #%(pk)s (%(name)s) was rejected.")
    elif req.status == Status.PENDING:
        text = _(
            "Your approval of request #%(pk)s (%(name)s) is recorded; it needs "
            "%(more)s more."
        )
    elif req.status == Status.FAILED:
        text = _("Request #%(pk)s (%(name)s) was approved but failed: %(why)s")
    elif req.status == Status.APPROVED:
        text = _("Request #%(pk)s (%(name)s) was approved; it is on its way to CPS.")
    else:
        text = _("Request #%(pk)s (%(name)s) was approved and sent to CPS.")
    approved = sum(1 for a in req.approvals.all() if a.decision == Decision.APPROVE)
    return text % {
        "pk": req.pk,
        "name": name,
        "more": max(req.required_approvals - approved, 0),
        "why": req.failure_reason,
    }


def decision_panel_context(request: HttpRequest, req: ReinstallRequest, instance=None):
    """What templates/reinstalls/_decision_panel.html needs, as ``decision``.

    The request page includes the panel and passes this dict under the name
    ``decision``. While the request is pending the server's live status is
    read from CPS (pass ``instance`` when the page already has it).
    """
    user = request.user
    live_error = ""
    if instance is None and req.status == Status.PENDING:
        try:
            with get_client() as client:
                instance = client.describe_instance(req.region, req.instance_id)
        except CpsError as exc:
            logger.warning(
                "Reinstall %s: no live status for %s (requestId %s)",
                req.pk,
                req.instance_id,
                exc.request_id or "-",
            )
            live_error = str(exc)

    approvals = list(req.approvals.select_related("approver"))
    approved = [a for a in approvals if a.decision == Decision.APPROVE]
    past_expiry = req.status == Status.PENDING and services.is_past_expiry(req)
    return {
        "req": req,
        "instance": instance,
        "live_error": live_error,
        "approvals": approvals,
        "approved_count": len(approved),
        "is_requester": user.pk == req.requester_id,
        "can_decide": services.can_decide(user, req, approvals),
        "can_cancel": services.can_cancel(user, req),
        "past_expiry": past_expiry,
        "form": DecisionForm(auto_id="id_decision_%s"),
    }
