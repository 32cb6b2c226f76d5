"""Sign-in, sign-out and failed sign-in, on the record."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from cpsadmin.audit.models import Action, Outcome
from cpsadmin.audit.services import record


@receiver(user_logged_in, dispatch_uid="cpsadmin.audit.login")
def record_login(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="cpsadmin.audit.logout")
def record_logout(sender, request, user, **kwargs):
    if user is None:
        return
    record(Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="cpsadmin.audit.login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name that was tried: credentials also hold the password.
    model = get_user_model()
    field = model.USERNAME_FIELD
    attempted = str(credentials.get(field) or credentials.get("username") or "")
    # Filed under the account that was tried, when there is one, so its owner
    # sees the attempt in My activity (as cloud consoles do).
    target = model._default_manager.filter(**{field: attempted}).first()
    record(
        Action.LOGIN_FAILED,
        actor=target,
        request=request,
        outcome=Outcome.FAILURE,
        message=f"Failed sign-in as {attempted[:150]!r}",
        data={"attempted_username": attempted[:150]},
    )
