from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cpsadmin.accounts.roles import Role, has_role

# Where each role starts its day, first match wins; everyone has their activity.
LANDING_PAGES = [
    (Role.REQUESTER, "reinstalls:servers"),
    (Role.APPROVER, "reinstalls:approvals"),
    (Role.AUDITOR, "audit:review"),
]


@login_required
def send_to_landing_page(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role works from."""
    for role, url_name in LANDING_PAGES:
        if has_role(request.user, role):
            return redirect(url_name)
    return redirect("audit:my_activity")
