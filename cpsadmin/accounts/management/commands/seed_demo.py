import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cpsadmin.accounts.models import ServerScope
from cpsadmin.accounts.roles import Role

# username, roles, is_staff
DEMO_USERS = [
    ("alice", [Role.REQUESTER], False),
    ("bob", [Role.APPROVER], False),
    ("dora", [Role.APPROVER], False),
    ("carol", [Role.AUDITOR], False),
    ("admin", [Role.ADMIN, Role.AUDITOR], True),
]


class Command(BaseCommand):
    help = "Create the demo users, role groups and scopes (embedded simulator only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though a real CPS endpoint is configured.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.CPS_SIMULATED and not force:
            raise CommandError(
                "CPS_ENDPOINT points at a real cloud; demo users are for the "
                "embedded simulator. Use --force if you really mean it."
            )

        with transaction.atomic():
            groups = self.ensure_groups()
            created = [self.ensure_user(*row, groups=groups) for row in DEMO_USERS]

        created = [pair for pair in created if pair]
        if not created:
            self.stdout.write("Demo users already exist; passwords were shown once.")
            return
        self.stdout.write(self.style.WARNING("Demo users (shown once, keep them):"))
        for username, password, roles in created:
            self.stdout.write(f"  {username:<8} {password:<14} {roles}")

    def ensure_groups(self) -> dict[str, Group]:
        groups = {}
        for role in Role.values:
            group, _ = Group.objects.get_or_create(name=role)
            ServerScope.objects.get_or_create(
                role=role,
                group=group,
                region="",
                instance_pattern="*",
                defaults={"note": "demo: every server"},
            )
            groups[role] = group
        return groups

    def ensure_user(self, username, roles, is_staff, *, groups):
        if User.objects.filter(username=username).exists():
            return None
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(
            username,
            email=f"{username}@example.com",
            password=password,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
        user.groups.set(groups[role] for role in roles)
        return username, password, ", ".join(roles)
