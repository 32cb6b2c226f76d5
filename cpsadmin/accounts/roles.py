"""Roles and per-server access scopes.

A user holds a role by belonging to the Django group of that name. A role only
reaches the servers that a ServerScope grants it, to the user or to one of their
groups; superusers hold every role over every server.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    APPROVER = "approver", _("Approver")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


def roles_of(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    cached = getattr(user, "_cpsadmin_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = frozenset(names)
        user._cpsadmin_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


@dataclass(frozen=True)
class ScopeRule:
    region: str
    pattern: str

    def allows(self, region: str, instance_id: str, name: str = "") -> bool:
        if self.region and self.region != region:
            return False
        return fnmatchcase(instance_id, self.pattern) or bool(
            name and fnmatchcase(name, self.pattern)
        )


@dataclass(frozen=True)
class ServerAccess:
    """The servers on which one user may exercise one role."""

    rules: tuple[ScopeRule, ...] = ()
    everything: bool = False

    def allows(self, region: str, instance_id: str, name: str = "") -> bool:
        if self.everything:
            return True
        return any(rule.allows(region, instance_id, name) for rule in self.rules)

    def allows_region(self, region: str) -> bool:
        return self.everything or any(
            not rule.region or rule.region == region for rule in self.rules
        )

    @property
    def empty(self) -> bool:
        return not self.everything and not self.rules


def server_access(user, role: str) -> ServerAccess:
    """Load, with one query, where ``user`` may act as ``role``."""
    if not has_role(user, role):
        return ServerAccess()
    if user.is_superuser:
        return ServerAccess(everything=True)

    cache = user.__dict__.setdefault("_cpsadmin_access", {})
    if role not in cache:
        from cpsadmin.accounts.models import ServerScope

        scopes = ServerScope.objects.filter(role=role).filter(
            models.Q(user=user) | models.Q(group__in=user.groups.all())
        )
        rules = tuple(
            ScopeRule(region, pattern)
            for region, pattern in scopes.values_list("region", "instance_pattern")
        )
        cache[role] = ServerAccess(rules=rules)
    return cache[role]


def can_act_on(user, role: str, region: str, instance_id: str, name: str = "") -> bool:
    return server_access(user, role).allows(region, instance_id, name)
