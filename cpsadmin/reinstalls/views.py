"""The requester's pages: servers, stop, the reinstall form and its progress."""

import logging
import re
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpsadmin.accounts.roles import Role, has_role, server_access
from cpsadmin.cps.client import CpsApiError, CpsError, Instance, get_client
from cpsadmin.htmx import HtmxHttpRequest, is_partial, redirect_to, vary_on_htmx
from cpsadmin.reinstalls import approval_views, catalogue, services
from cpsadmin.reinstalls.forms import (
    ReinstallForm,
    ServerFilterForm,
    SoftwareOptionsForm,
)
from cpsadmin.reinstalls.models import ImageType, ReinstallRequest, Status
from cpsadmin.reinstalls.services import RUNNING, STOPPED

logger = logging.getLogger(__name__)

# The request page polls CPS through refresh_progress while in these.
FOLLOWED_STATUSES = (Status.APPROVED, Status.SUBMITTED)
REQUESTS_PER_PAGE = 25
# A reinstall form's one-time key is remembered this long after its use.
SUBMISSION_KEY_SECONDS = 24 * 3600
SUBMISSION_PENDING = "pending"
# Ids go into CPS URL paths: "." and ".." would move up the path, and \Z (not
# $) keeps a trailing newline out.
_SAFE_ID = re.compile(r"^(?!\.+\Z)[A-Za-z0-9._-]{1,64}\Z")

# Every other status is on its way somewhere: the servers page polls for it.
SETTLED_STATUSES = frozenset({RUNNING, STOPPED, "error"})

# One sentence per CPS call, so an error says what failed.
CPS_ACTIONS = {
    "describeRegiones": gettext_lazy("Loading the region list from CPS failed."),
    "describeOS": gettext_lazy("Loading the OS images from CPS failed."),
    "describeDeviceRaids": gettext_lazy("Loading the RAID levels from CPS failed."),
    "describeSoftware": gettext_lazy("Loading the software list from CPS failed."),
    "describeInstances": gettext_lazy("Loading the server list from CPS failed."),
    "describeInstance": gettext_lazy("Reading the server's state from CPS failed."),
    "stopInstance": gettext_lazy("CPS did not stop the server."),
    "reinstallInstance": gettext_lazy("CPS did not accept the reinstall."),
}


@dataclass(frozen=True)
class CpsProblem:
    """A CpsError as the templates show it (htmx/cps_error.html)."""

    what: str
    action: str
    detail: str
    code: int | None
    status: str
    request_id: str

    @classmethod
    def of(cls, exc: CpsError) -> "CpsProblem":
        return cls(
            what=str(
                CPS_ACTIONS.get(exc.action)
                or _("The CPS call %(action)s failed.") % {"action": exc.action}
            ),
            action=exc.action,
            detail=str(exc),
            code=getattr(exc, "code", None),
            status=getattr(exc, "status", "") or _("no valid answer"),
            request_id=exc.request_id,
        )


@dataclass(frozen=True)
class ServerRow:
    instance: Instance
    # The server's open request, and whether this user may open its page.
    open_request: ReinstallRequest | None = None
    open_request_visible: bool = False

    @property
    def can_reinstall(self) -> bool:
        return self.instance.status == STOPPED and self.open_request is None

    @property
    def can_stop(self) -> bool:
        return self.instance.status == RUNNING

    @property
    def transitional(self) -> bool:
        return self.instance.status not in SETTLED_STATUSES


def _require_role(request: HtmxHttpRequest, *roles: str) -> None:
    if not any(has_role(request.user, role) for role in roles):
        raise PermissionDenied


def _servers_url(region: str, **filters: str) -> str:
    query = {k: v for k, v in {"region": region, **filters}.items() if v}
    url = reverse("reinstalls:servers")
    return f"{url}?{urlencode(query)}" if query else url


def _may_see(user, req: ReinstallRequest) -> bool:
    """Whether the user may open the request's page: its requester, or a reviewer.

    server_access() caches its answer on the user, so a page can ask per row.
    """
    if req.requester_id == user.pk:
        return True
    return any(
        server_access(user, role).allows(req.region, req.instance_id, req.instance_name)
        for role in (Role.APPROVER, Role.AUDITOR)
    )


def _open_request(region: str, instance_id: str) -> ReinstallRequest | None:
    return (
        ReinstallRequest.objects.filter(
            region=region, instance_id=instance_id, status__in=services.OPEN_STATUSES
        )
        .order_by("pk")
        .first()
    )


def _load_instance(request: HtmxHttpRequest, region: str, instance_id: str) -> Instance:
    """The instance, if the requester may act on it; 404 otherwise.

    CPS errors other than NOT_FOUND reach the caller, which shows them.
    """
    access = server_access(request.user, Role.REQUESTER)
    if not (_SAFE_ID.match(region) and _SAFE_ID.match(instance_id)):
        raise Http404
    if not access.allows_region(region):
        raise Http404
    try:
        with get_client() as client:
            instance = client.describe_instance(region, instance_id)
    except CpsApiError as exc:
        if exc.is_not_found:
            raise Http404 from exc
        raise
    if not access.allows(region, instance.instance_id, instance.name):
        raise Http404
    return instance


# --- Servers -------------------------------------------------------------------


@require_GET
@login_required
def list_servers(request: HtmxHttpRequest) -> HttpResponse:
    """Servers the user may ask to reinstall, by region, searchable."""
    _require_role(request, Role.REQUESTER)
    access = server_access(request.user, Role.REQUESTER)
    ctx = {"rows": [], "cps_problem": None, "form": None}

    try:
        regions = [r for r in catalogue.regions() if access.allows_region(r.region)]
    except CpsError as exc:
        ctx["cps_problem"] = CpsProblem.of(exc)
        regions = []

    form = ServerFilterForm(request.GET or None, regions=regions)
    region, search, status = form.chosen()
    ctx.update(form=form, region=region, search=search, status=status)

    # The whole region is read (every page), then narrowed here: the scope
    # globs and the search both match names and ids, which CPS cannot do.
    if region:
        try:
            with get_client() as client:
                instances = list(client.iter_instances(region))
        except CpsError as exc:
            ctx["cps_problem"] = CpsProblem.of(exc)
            instances = []

        # One query for the page: which servers already have an open request.
        open_requests = {
            req.instance_id: req
            for req in ReinstallRequest.objects.filter(
                region=region, status__in=services.OPEN_STATUSES
            ).order_by("-pk")
        }

        rows = []
        for instance in instances:
            if not access.allows(region, instance.instance_id, instance.name):
                continue
            if search and not _matches(instance, search):
                continue
            if status and instance.status != status:
                continue
            open_request = open_requests.get(instance.instance_id)
            rows.append(
                ServerRow(
                    instance,
                    open_request=open_request,
                    open_request_visible=bool(
                        open_request and _may_see(request.user, open_request)
                    ),
                )
            )
        ctx["rows"] = rows

    # The same filtered URL is the rows' own poll and the error's retry link.
    ctx["rows_url"] = _servers_url(region, q=search, status=status)
    ctx["polling"] = any(row.transitional for row in ctx["rows"])

    template = (
        "htmx/server_rows.html" if is_partial(request) else "reinstalls/servers.html"
    )
    return vary_on_htmx(render(request, template, ctx))


def _matches(instance: Instance, search: str) -> bool:
    needle = search.casefold()
    return (
        needle in instance.name.casefold() or needle in instance.instance_id.casefold()
    )


@require_http_methods(["GET", "POST"])
@login_required
def stop_server(
    request: HtmxHttpRequest, region: str, instance_id: str
) -> HttpResponse:
    """Stop a running server, after a confirmation page."""
    _require_role(request, Role.REQUESTER)
    try:
        instance = _load_instance(request, region, instance_id)
    except CpsError as exc:
        ctx = {
            "cps_problem": CpsProblem.of(exc),
            "region": region,
            "instance_id": instance_id,
        }
        return render(request, "reinstalls/stop_server.html", ctx)

    if request.method == "GET" or instance.status != RUNNING:
        # The token rides in the confirmation form, so that posting it twice
        # (double click, browser retry) still stops the server only once.
        ctx = {
            "instance": instance,
            "client_token": str(uuid.uuid4()),
            "can_stop": instance.status == RUNNING,
        }
        return render(request, "reinstalls/stop_server.html", ctx)

    client_token = request.POST.get("client_token", "")
    try:
        client_token = str(uuid.UUID(client_token))
    except ValueError:
        client_token = str(uuid.uuid4())

    try:
        services.stop_server(request.user, instance, client_token, request)
    except CpsError as exc:
        ctx = {
            "instance": instance,
            "client_token": client_token,
            "can_stop": True,
            "cps_problem": CpsProblem.of(exc),
        }
        return render(request, "reinstalls/stop_server.html", ctx)

    messages.success(
        request,
        _("%(name)s is stopping. Reinstall it once it shows as stopped.")
        % {"name": instance.name or instance.instance_id},
    )
    return redirect_to(request, _servers_url(region))


# --- Catalogue -----------------------------------------------------------------


@require_GET
@login_required
def list_software_options(request: HtmxHttpRequest) -> HttpResponse:
    """The software select for one OS and image type (the htmx swap)."""
    _require_role(request, Role.REQUESTER)
    region = request.GET.get("region", "")
    os_type_id = request.GET.get("os_type_id", "")
    image_type = request.GET.get("image_type", "")

    # Only well-formed ids reach CPS and the cache keys.
    if not _SAFE_ID.match(region) or not server_access(
        request.user, Role.REQUESTER
    ).allows_region(region):
        raise Http404
    if os_type_id and not _SAFE_ID.match(os_type_id):
        os_type_id = ""
    if image_type not in ImageType.values:
        image_type = ImageType.STANDARD

    ctx = {"software_problem": None}
    software_list = None
    if os_type_id and image_type == ImageType.STANDARD_APP:
        try:
            software_list = catalogue.software(region, os_type_id)
        except CpsError as exc:
            ctx["software_problem"] = CpsProblem.of(exc)
    ctx["form"] = SoftwareOptionsForm(
        image_type=image_type, os_type_id=os_type_id, software_list=software_list
    )
    return vary_on_htmx(render(request, "htmx/software_options.html", ctx))


@require_POST
@login_required
def refresh_catalogue(request: HtmxHttpRequest) -> HttpResponse:
    """Read a region's catalogue (or one device type's) again from CPS."""
    _require_role(request, Role.REQUESTER, Role.ADMIN)
    region = request.POST.get("region", "")
    device_type = request.POST.get("device_type") or None
    if not _SAFE_ID.match(region):
        raise Http404
    if device_type and not _SAFE_ID.match(device_type):
        raise Http404

    try:
        services.refresh_catalogue(request.user, region, device_type, request)
    except CpsError as exc:
        messages.error(
            request,
            _("%(what)s The lists were not refreshed; the ones read before stay.")
            % {"what": CpsProblem.of(exc).what},
        )
    else:
        messages.success(request, _("The catalogue was read again from CPS."))

    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = _servers_url(region)
    return redirect_to(request, next_url)


# --- Reinstall -----------------------------------------------------------------


@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
@login_required
def request_reinstall(
    request: HtmxHttpRequest, region: str, instance_id: str
) -> HttpResponse:
    """The reinstall form for one stopped server, and its submission.

    1. Read the server again from CPS (its status may have changed).
    2. Refuse unless it is stopped, with a way to stop it.
    3. Validate the form against the live catalogue.
    4. Use the form's one-time key once, then create the request.
    """
    _require_role(request, Role.REQUESTER)
    ctx = {"region": region, "instance_id": instance_id, "cps_problem": None}
    data = request.POST if request.method == "POST" else None

    # A form sent twice (double click, browser retry, back and resubmit) goes
    # to its first request, before the server, reinstalling by now, is read.
    if data is not None:
        used = cache.get(_submission_cache_key(data.get("submission_key", "")))
        if used is not None:
            return _already_submitted(request, used)

    try:
        instance = _load_instance(request, region, instance_id)
    except CpsError as exc:
        ctx["cps_problem"] = CpsProblem.of(exc)
        if data is None:
            ctx["retry_url"] = request.get_full_path()
        else:
            ctx["form"] = ReinstallForm(data, instance=None, offline=True)
        return render(request, "reinstalls/reinstall_form.html", ctx)
    ctx["instance"] = instance

    # A server with an open request gets a link to it, not a form to refill.
    if data is None:
        ctx["open_request"] = _open_request(region, instance.instance_id)
        if ctx["open_request"] is not None:
            ctx["open_request_visible"] = _may_see(request.user, ctx["open_request"])
            return render(request, "reinstalls/reinstall_form.html", ctx)

    ctx["not_stopped"] = instance.status != STOPPED
    if ctx["not_stopped"] and data is None:
        return render(request, "reinstalls/reinstall_form.html", ctx)

    try:
        form = ReinstallForm(data, instance=instance)
    except CpsError as exc:
        ctx["cps_problem"] = CpsProblem.of(exc)
        if data is None:
            ctx["retry_url"] = request.get_full_path()
        else:
            ctx["form"] = ReinstallForm(data, instance=instance, offline=True)
        return render(request, "reinstalls/reinstall_form.html", ctx)
    ctx["form"] = form

    # Submitted for a server that is no longer stopped: the form stays, as
    # typed, under the refusal.
    if ctx["not_stopped"]:
        logger.debug("Reinstall of %s refused: %s", instance_id, instance.status)
        return render(request, "reinstalls/reinstall_form.html", ctx)

    if data is None or not form.is_valid():
        return render(request, "reinstalls/reinstall_form.html", ctx)

    # Two copies of one form racing each other: only one takes the key.
    key_name = _submission_cache_key(form.cleaned_data["submission_key"])
    if not cache.add(key_name, SUBMISSION_PENDING, SUBMISSION_KEY_SECONDS):
        return _already_submitted(request, cache.get(key_name))

    try:
        req = services.create_request(
            request.user,
            instance=instance,
            http_request=request,
            **form.request_arguments(),
        )
    except services.WorkflowError as exc:
        cache.delete(key_name)
        form.add_error(None, _refusal(request, exc, region, instance.instance_id))
        return render(request, "reinstalls/reinstall_form.html", ctx)
    except CpsError as exc:
        cache.delete(key_name)
        ctx["cps_problem"] = CpsProblem.of(exc)
        return render(request, "reinstalls/reinstall_form.html", ctx)

    cache.set(key_name, req.pk, SUBMISSION_KEY_SECONDS)
    if req.status == Status.PENDING:
        note = _("Reinstall request #%(pk)s is waiting for approval.")
    else:
        note = _("Reinstall request #%(pk)s is on its way to CPS.")
    messages.success(request, note % {"pk": req.pk})
    return redirect_to(request, req.get_absolute_url())


def _refusal(request: HtmxHttpRequest, exc, region: str, instance_id: str) -> str:
    """The service's refusal; a link to the open request when that is why."""
    existing = _open_request(region, instance_id)
    if existing is None or not _may_see(request.user, existing):
        return exc.message
    return format_html(
        '<a class="alert-link" href="{}">{}</a>',
        existing.get_absolute_url(),
        exc.message,
    )


def _submission_cache_key(submission_key: str) -> str:
    try:
        return f"reinstall-submission:{uuid.UUID(submission_key).hex}"
    except ValueError:
        return "reinstall-submission:invalid"


def _already_submitted(request: HtmxHttpRequest, first) -> HttpResponse:
    if isinstance(first, int):
        req = ReinstallRequest.objects.filter(pk=first, requester=request.user).first()
        if req is not None:
            messages.info(
                request, _("This form was already sent; here is its request.")
            )
            return redirect_to(request, req.get_absolute_url())
    messages.info(
        request, _("This form was already sent and is still being processed.")
    )
    return redirect_to(request, reverse("reinstalls:my_requests"))


# --- Requests ------------------------------------------------------------------


def _visible_request(request: HtmxHttpRequest, pk: int) -> ReinstallRequest:
    """The request if the user asked for it or reviews its server; else 404."""
    req = get_object_or_404(ReinstallRequest.objects.select_related("requester"), pk=pk)
    if not _may_see(request.user, req):
        raise Http404
    return req


@require_GET
@login_required
def show_request(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    req = _visible_request(request, pk)
    ctx = {
        "req": req,
        "polling": req.status in FOLLOWED_STATUSES,
        "decision": approval_views.decision_panel_context(request, req),
    }
    return render(request, "reinstalls/request_detail.html", ctx)


@require_GET
@login_required
def show_request_progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The status block of a request, polled by htmx until it is final."""
    req = _visible_request(request, pk)
    if req.status in FOLLOWED_STATUSES:
        req = services.refresh_progress(req)
    ctx = {"req": req, "polling": req.status in FOLLOWED_STATUSES}

    if is_partial(request):
        return vary_on_htmx(render(request, "htmx/request_progress.html", ctx))
    ctx["decision"] = approval_views.decision_panel_context(request, req)
    return vary_on_htmx(render(request, "reinstalls/request_detail.html", ctx))


@require_GET
@login_required
def list_my_requests(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in user's own reinstall requests, newest first."""
    requests = ReinstallRequest.objects.filter(requester=request.user)
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reinstalls/my_requests.html", {"page": page})
