from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpsadmin.accounts.roles import Role


class ServerScope(models.Model):
    """Grants a role over a set of servers, to one user or to a whole group."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="server_scopes",
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="server_scopes",
    )
    region = models.CharField(
        _("region"), max_length=64, blank=True, help_text=_("Empty: every region.")
    )
    instance_pattern = models.CharField(
        _("servers"),
        max_length=128,
        default="*",
        help_text=_("Glob matched against instance id and name, e.g. cps-* or web-*."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("server scope")
        verbose_name_plural = _("server scopes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
                name="server_scope_user_xor_group",
            )
        ]

    def __str__(self) -> str:
        holder = self.user or self.group
        where = self.region or _("every region")
        return _("%(holder)s: %(role)s on %(servers)s (%(where)s)") % {
            "holder": holder,
            "role": self.role,
            "servers": self.instance_pattern,
            "where": where,
        }
