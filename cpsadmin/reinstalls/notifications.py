"""Mail about reinstall requests, sent by a background task after commit.

notify() is called inside the transaction that changes a request; the mail
goes out only if that transaction commits. Messages are plain text, rendered
from templates/emails/, and link straight to the request. They are built from
the stored request, which never holds a readable password, and no template
is given one.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What each notification is about, and who hears of it.
KINDS = {
    "approval_needed": "approvers",
    "approved": "requester",
    "rejected": "requester",
    "expired": "requester",
    "completed": "requester",
    "failed": "requester_and_approvers",
}


def notify(kind: str, req) -> None:
    """Queue the ``kind`` mail about ``req`` for when the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification {kind!r}")
    pk = req.pk
    transaction.on_commit(lambda: _enqueue(kind, pk))


def _enqueue(kind: str, pk: int) -> None:
    from cpsadmin.reinstalls.tasks import send_reinstall_mail

    try:
        send_reinstall_mail.enqueue(kind, pk)
    except Exception:
        logger.exception("Could not queue the %s mail for reinstall %s", kind, pk)


def request_url(req) -> str:
    return settings.SITE_URL + req.get_absolute_url()


def recipients(kind: str, req) -> list:
    """The users who get the ``kind`` mail about ``req`` (with an address)."""
    from cpsadmin.reinstalls.services import approvers_for

    who = KINDS[kind]
    users = []
    if who in ("requester", "requester_and_approvers"):
        users.append(req.requester)
    if who == "approvers":
        users.extend(approvers_for(req))
    if who == "requester_and_approvers":
        users.extend(a.approver for a in req.approvals.all() if a.decision == "approve")

    seen, unique = set(), []
    for user in users:
        if user.email and user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def send(kind: str, pk: int) -> int:
    """Render and send the ``kind`` mail about request ``pk``; returns the count."""
    from cpsadmin.reinstalls.models import ReinstallRequest

    req = (
        ReinstallRequest.objects.select_related("requester")
        .prefetch_related("approvals__approver")
        .filter(pk=pk)
        .first()
    )
    if req is None:
        logger.warning("Reinstall %s vanished before its %s mail", pk, kind)
        return 0

    rejection = next((a for a in req.approvals.all() if a.decision == "reject"), None)
    messages = []
    for user in recipients(kind, req):
        context = {
            "req": req,
            "recipient": user,
            "url": request_url(req),
            "rejection": rejection,
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string(f"emails/reinstall_{kind}_subject.txt", context)
        body = render_to_string(f"emails/reinstall_{kind}.txt", context)
        messages.append(
            EmailMessage(
                subject=" ".join(subject.split()),
                body=body,
                to=[user.email],
            )
        )

    if messages:
        get_connection().send_messages(messages)
    logger.info("Sent %s %s mail(s) for reinstall %s", len(messages), kind, pk)
    return len(messages)
