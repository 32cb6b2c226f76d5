from django.utils.functional import SimpleLazyObject

from cpsadmin.accounts.roles import roles_of


def _pending_approvals(request) -> int:
    from cpsadmin.reinstalls.services import pending_approval_count

    return pending_approval_count(request.user)


def navigation(request):
    """Roles for the menu, and the approvals badge, computed only if a page uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_roles": SimpleLazyObject(lambda: roles_of(user)),
        "pending_approvals": SimpleLazyObject(lambda: _pending_approvals(request)),
    }
