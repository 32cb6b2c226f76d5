import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from cpsadmin.accounts.roles import Role, can_act_on, has_role

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_each_role_and_prints_passwords_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    alice = User.objects.get(username="alice")
    password = first.split("alice", 1)[1].split()[0]
    assert alice.check_password(password)
    assert has_role(alice, Role.REQUESTER)
    assert can_act_on(alice, Role.REQUESTER, "cn-north-1", "cps-anything")
    assert has_role(User.objects.get(username="bob"), Role.APPROVER)
    assert has_role(User.objects.get(username="carol"), Role.AUDITOR)
    assert password not in second


def test_seed_demo_refuses_a_real_cloud(settings):
    settings.CPS_ENDPOINT = "https://cps.jdcloud-api.com"
    settings.CPS_SIMULATED = False

    with pytest.raises(CommandError, match="real cloud"):
        call_command("seed_demo")
