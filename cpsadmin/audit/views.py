import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cpsadmin.accounts.roles import Role, has_role
from cpsadmin.audit import export
from cpsadmin.audit.forms import AuditFilterForm, PageForm
from cpsadmin.audit.models import Action, AuditEvent, Outcome
from cpsadmin.audit.queries import (
    filter_events,
    keyset_page,
    order_events,
    story_of,
)
from cpsadmin.audit.services import record, verify_chain
from cpsadmin.htmx import is_partial, vary_on_htmx

logger = logging.getLogger(__name__)

RESULTS_ID = "audit-results"


def can_review(user) -> bool:
    """Auditors and administrators see every event; nobody else does."""
    return has_role(user, Role.AUDITOR) or has_role(user, Role.ADMIN)


def _require_reviewer(request: HttpRequest) -> None:
    if not can_review(request.user):
        raise PermissionDenied


def _render_list(request, template, ctx):
    """The rows fragment for htmx, the whole page otherwise."""
    if is_partial(request):
        template = "htmx/audit_rows.html"
    return vary_on_htmx(render(request, template, ctx))


def _activity(request, person, *, title):
    form = PageForm(request.GET)
    cursors = form.cleaned_data if form.is_valid() else {}

    events = AuditEvent.objects.filter(actor=person)
    page = keyset_page(
        events,
        older=cursors.get("older"),
        newer=cursors.get("newer"),
    )

    ctx = {
        "title": title,
        "person": person,
        "page": page,
        "results_id": RESULTS_ID,
        "show_actor": False,
        "can_review": can_review(request.user),
    }
    return _render_list(request, "audit/activity.html", ctx)


@require_GET
@login_required
def show_my_activity(request: HttpRequest):
    return _activity(request, request.user, title=_("My activity"))


@require_GET
@login_required
def show_user_activity(request: HttpRequest, user_id: int):
    # Others' activity is for reviewers only; to anyone else it doesn't exist.
    if user_id != request.user.pk and not can_review(request.user):
        raise Http404
    person = get_object_or_404(get_user_model(), pk=user_id)

    title = _("Activity of %(name)s") % {"name": person.get_username()}
    return _activity(request, person, title=title)


@require_GET
@login_required
def review_events(request: HttpRequest):
    _require_reviewer(request)

    action_url = reverse("audit:review")
    form = AuditFilterForm(request.GET, action_url=action_url, results_id=RESULTS_ID)
    if form.is_valid():
        events = filter_events(form.cleaned_data)
        page = keyset_page(
            events,
            newest_first=form.newest_first,
            older=form.cleaned_data["older"],
            newer=form.cleaned_data["newer"],
        )
    else:
        page = None

    ctx = {
        "form": form,
        "page": page,
        "results_id": RESULTS_ID,
        "show_actor": True,
        "can_review": True,
    }
    return _render_list(request, "audit/review.html", ctx)


@require_GET
@login_required
def export_events(request: HttpRequest):
    _require_reviewer(request)

    form = AuditFilterForm(request.GET)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "jsonl") or not form.is_valid():
        return HttpResponseBadRequest(_("Choose csv or jsonl, and check the filters."))

    # Recorded up front: the row count is only known once streaming ends.
    with transaction.atomic():
        record(
            Action.AUDIT_EXPORTED,
            request=request,
            message=f"Exported the audit log as {fmt}",
            data={"format": fmt, "filters": form.used_filters()},
        )
    events = order_events(
        filter_events(form.cleaned_data), newest_first=form.newest_first
    )

    if fmt == "csv":
        lines, content_type = export.csv_lines(events), "text/csv; charset=utf-8"
    else:
        lines, content_type = export.jsonl_lines(events), "application/x-ndjson"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    logger.info("Audit export (%s) by %s", fmt, request.user.pk)
    return response


@require_POST
@login_required
def verify_audit_chain(request: HttpRequest):
    _require_reviewer(request)

    report = verify_chain()
    with transaction.atomic():
        record(
            Action.AUDIT_VERIFIED,
            request=request,
            outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE,
            message=str(report.problem or ""),
            data=report.summary(),
        )

    if report.ok:
        messages.success(
            request,
            _("The audit chain is intact: %(count)s events checked.")
            % {"count": report.checked},
        )
    else:
        messages.error(
            request,
            _("The audit chain is broken: %(problem)s") % {"problem": report.problem},
        )
    return redirect("audit:review")


@require_GET
@login_required
def show_reinstall_story(request: HttpRequest, reinstall_id: int):
    _require_reviewer(request)

    events = list(AuditEvent.objects.for_reinstall(reinstall_id))
    if not events:
        raise Http404

    ctx = {
        "reinstall_id": reinstall_id,
        "events": events,
        "story": story_of(events),
    }
    return render(request, "audit/reinstall_story.html", ctx)
