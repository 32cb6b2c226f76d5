"""The cast, and the guards every test runs under.

- requester: may ask for reinstalls of every server
- approver / second_approver: may approve them
- auditor: reviews the audit log
- outsider: signed in, holds no role
"""

import ipaddress

import httpx
import pytest
from django.contrib.auth.models import Group, User

from cpsadmin.accounts.models import ServerScope
from cpsadmin.accounts.roles import Role

PASSWORD = "correct-horse-battery"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast signs in a lot; real hashing would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any outgoing HTTP from httpx to a non-loopback host fails loudly."""
    real = httpx.HTTPTransport.handle_request

    def guarded(self, request):
        if not _is_loopback(request.url.host):
            raise AssertionError(f"test tried to reach the network: {request.url}")
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", guarded)


@pytest.fixture(autouse=True)
def cps_simulator(tmp_path, settings):
    """A fresh embedded CPS cloud for each test, answering in-process."""
    from cpsadmin.simulator import get_simulator

    settings.CPS_ENDPOINT = ""
    settings.CPS_SIMULATOR_DB = tmp_path / "simulator.sqlite3"
    settings.CPS_SIMULATOR_REINSTALL_SECONDS = 60.0
    settings.CPS_SIMULATOR_TRANSITION_SECONDS = 5.0
    return get_simulator()


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_user(username: str, *roles: str, scope: str = "*") -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.com", password=PASSWORD
    )
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        ServerScope.objects.create(role=role, user=user, instance_pattern=scope)
    return user


@pytest.fixture
def requester(db):
    return make_user("alice", Role.REQUESTER)


@pytest.fixture
def approver(db):
    return make_user("bob", Role.APPROVER)


@pytest.fixture
def second_approver(db):
    return make_user("dora", Role.APPROVER)


@pytest.fixture
def auditor(db):
    return make_user("carol", Role.AUDITOR)


@pytest.fixture
def outsider(db):
    return make_user("mallory")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        "root", email="root@example.com", password=PASSWORD
    )
