import pytest
from django.contrib.auth.models import Group

from cpsadmin.accounts.models import ServerScope
from cpsadmin.accounts.roles import Role, can_act_on, has_role, server_access
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_requester_holds_only_the_requester_role(requester):
    assert has_role(requester, Role.REQUESTER)
    assert not has_role(requester, Role.APPROVER)


def test_outsider_holds_no_role_and_reaches_no_server(outsider):
    assert not has_role(outsider, Role.REQUESTER)
    assert server_access(outsider, Role.REQUESTER).empty


def test_superuser_holds_every_role_over_every_server(superuser):
    assert can_act_on(superuser, Role.APPROVER, "cn-east-2", "cps-anything")


def test_scope_limits_a_role_to_matching_servers():
    user = make_user("erin", Role.REQUESTER, scope="web-*")

    assert can_act_on(user, Role.REQUESTER, "cn-north-1", "cps-1", name="web-01")
    assert not can_act_on(user, Role.REQUESTER, "cn-north-1", "cps-2", name="db-01")


def test_region_scope_excludes_other_regions():
    user = make_user("erin", Role.APPROVER)
    ServerScope.objects.filter(user=user).update(region="cn-north-1")

    access = server_access(user, Role.APPROVER)

    assert access.allows("cn-north-1", "cps-1")
    assert not access.allows("cn-east-2", "cps-1")
    assert not access.allows_region("cn-east-2")


def test_group_scope_reaches_every_member():
    user = make_user("frank")
    group = Group.objects.create(name=Role.REQUESTER)
    user.groups.add(group)
    ServerScope.objects.create(
        role=Role.REQUESTER, group=group, instance_pattern="db-*"
    )

    assert can_act_on(user, Role.REQUESTER, "cn-north-1", "cps-9", name="db-02")


def test_a_role_without_its_group_grants_nothing_even_with_a_scope():
    user = make_user("gina")
    ServerScope.objects.create(role=Role.APPROVER, user=user)

    assert not can_act_on(user, Role.APPROVER, "cn-north-1", "cps-1")
