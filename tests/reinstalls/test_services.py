"""create_request: access, snapshot, secrets, policy, and the menu count."""

import uuid

import pytest
from django.contrib.auth.models import Group

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import Action, AuditEvent
from cpsadmin.reinstalls import crypto, services
from cpsadmin.reinstalls.models import ApprovalPolicy, PolicyMode, Status
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, SECRET, WEB_01, WEB_04, describe


def test_request_snapshots_the_server_and_waits_for_approval(requester, make_request):
    req = make_request(requester)

    assert req.status == Status.PENDING
    assert req.instance_id == WEB_04
    assert req.instance_name == "web-04"
    assert req.device_type == "cps.c.normal"
    assert req.previous_status == "stopped"
    assert req.previous_os_name
    assert req.required_approvals == 1
    assert req.expires_at is not None


def test_request_gets_a_fresh_uuid_client_token(requester, make_request):
    first = make_request(requester)
    second = make_request(requester, DB_03)

    assert len(first.client_token) == 36
    assert uuid.UUID(first.client_token)
    assert first.client_token != second.client_token


def test_password_is_stored_encrypted_only(requester, make_request):
    req = make_request(requester)

    assert SECRET not in req.password_encrypted
    assert crypto.decrypt_password(req.password_encrypted) == SECRET


def test_expiry_follows_the_setting(requester, make_request, settings):
    settings.REINSTALL_APPROVAL_EXPIRY_HOURS = 2

    req = make_request(requester)

    hours = (req.expires_at - req.created_at).total_seconds() / 3600
    assert 1.99 < hours < 2.01


def test_request_is_recorded_without_the_password(requester, make_request):
    req = make_request(requester)

    event = AuditEvent.objects.get(action=Action.REINSTALL_REQUESTED)
    assert event.reinstall_id == req.pk
    assert event.actor == requester
    assert event.data["client_token"] == req.client_token
    assert SECRET not in str(event.data) + event.message


def test_outsider_cannot_request_a_reinstall(outsider, make_request):
    with pytest.raises(services.WorkflowError):
        make_request(outsider)


def test_requester_out_of_scope_cannot_request_a_reinstall(db, make_request):
    web_only = make_user("wendy", Role.REQUESTER, scope="web-*")

    with pytest.raises(services.WorkflowError):
        make_request(web_only, DB_03)


def test_running_server_cannot_be_requested(requester, make_request):
    with pytest.raises(services.WorkflowError, match="stopped"):
        make_request(requester, WEB_01)


def test_second_open_request_for_one_server_is_refused(requester, make_request):
    first = make_request(requester)

    with pytest.raises(services.WorkflowError, match=f"#{first.pk}"):
        make_request(requester)


def test_no_policy_means_one_approval(requester):
    assert services.required_approvals(requester, keep_data=True) == 1


def test_default_policy_applies_without_a_group_policy(requester):
    ApprovalPolicy.objects.create(mode=PolicyMode.ALWAYS, approvals_required=2)

    assert services.required_approvals(requester, keep_data=True) == 2


def test_wipe_only_policy_skips_approval_when_data_is_kept(requester):
    ApprovalPolicy.objects.create(mode=PolicyMode.WIPE_ONLY)

    assert services.required_approvals(requester, keep_data=True) == 0
    assert services.required_approvals(requester, keep_data=False) == 1


def test_strictest_group_policy_wins(requester):
    ApprovalPolicy.objects.create(mode=PolicyMode.NEVER)
    relaxed = Group.objects.create(name="ops")
    strict = Group.objects.create(name="contractors")
    requester.groups.add(relaxed, strict)
    ApprovalPolicy.objects.create(group=relaxed, mode=PolicyMode.NEVER)
    ApprovalPolicy.objects.create(
        group=strict, mode=PolicyMode.WIPE_ONLY, approvals_required=2
    )

    assert services.required_approvals(requester, keep_data=True) == 0
    assert services.required_approvals(requester, keep_data=False) == 2


def test_group_policy_overrides_the_default(requester):
    ApprovalPolicy.objects.create(mode=PolicyMode.ALWAYS, approvals_required=2)
    ApprovalPolicy.objects.create(
        group=Group.objects.get(name=Role.REQUESTER), mode=PolicyMode.NEVER
    )

    assert services.required_approvals(requester, keep_data=False) == 0


def test_request_without_approval_is_submitted_at_once(
    requester, make_request, cps_simulator
):
    ApprovalPolicy.objects.create(mode=PolicyMode.NEVER)

    req = make_request(requester)
    req.refresh_from_db()

    assert req.status == Status.SUBMITTED
    assert req.jd_request_id
    assert req.password_encrypted == ""
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1
    assert describe(WEB_04).status == "reinstalling"


def test_nav_counts_requests_waiting_for_the_approver(
    requester, approver, make_request
):
    make_request(requester)
    make_request(requester, DB_03)

    assert services.pending_approval_count(approver) == 2
    assert services.pending_approval_count(requester) == 0


def test_nav_count_skips_requests_the_approver_decided(
    requester, approver, second_approver, make_request, committed
):
    ApprovalPolicy.objects.create(approvals_required=2)
    req = make_request(requester)
    with committed():
        services.approve(req, approver, "")

    assert services.pending_approval_count(approver) == 0
    assert services.pending_approval_count(second_approver) == 1


def test_nav_count_skips_requests_past_expiry(requester, approver, make_request, clock):
    make_request(requester)
    clock.advance(hours=25)

    assert services.pending_approval_count(approver) == 0


def test_nav_count_respects_the_approver_scope(requester, make_request):
    web_approver = make_user("wes", Role.APPROVER, scope="web-*")
    make_request(requester, DB_03)

    assert services.pending_approval_count(web_approver) == 0


def test_nav_badge_shows_the_count(client, requester, approver, make_request):
    make_request(requester)
    client.force_login(approver)

    response = client.get("/approvals/")

    assert b'id="approval-badge">1<' in response.content


# --- The password key and the deployment checks ------------------------------


def test_configured_key_encrypts_and_rotates(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.REINSTALL_PASSWORD_KEY = old
    token = crypto.encrypt_password(SECRET)

    settings.REINSTALL_PASSWORD_KEY = f"{new},{old}"

    assert crypto.decrypt_password(token) == SECRET


def test_missing_key_is_refused_for_a_real_cloud(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.REINSTALL_PASSWORD_KEY = ""
    settings.CPS_ENDPOINT = "https://cps.jdcloud-api.com"
    settings.CPS_SIMULATED = False
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_password(SECRET)


def _check_ids(settings, **overrides) -> set[str]:
    from cpsadmin import checks

    for name, value in overrides.items():
        setattr(settings, name, value)
    found = []
    for check in (
        checks.check_secret_key,
        checks.check_cps_credentials,
        checks.check_password_key,
        checks.check_simulator_in_production,
    ):
        found.extend(check(None))
    return {message.id for message in found}


def test_checks_only_warn_for_the_simulator(settings):
    ids = _check_ids(
        settings,
        DEBUG=False,
        CPS_ENDPOINT="",
        CPS_SIMULATED=True,
        REINSTALL_PASSWORD_KEY="",
    )

    assert ids == {"cpsadmin.W001", "cpsadmin.W002"}


def test_checks_refuse_a_real_cloud_without_keys(settings):
    ids = _check_ids(
        settings,
        DEBUG=False,
        CPS_ENDPOINT="https://cps.jdcloud-api.com",
        CPS_SIMULATED=False,
        CPS_ACCESS_KEY="",
        CPS_SECRET_KEY="",
        SECRET_KEY=settings.DEFAULT_SECRET_KEY,
        REINSTALL_PASSWORD_KEY="",
    )

    assert ids == {"cpsadmin.E001", "cpsadmin.E002", "cpsadmin.E003"}


def test_checks_pass_a_configured_deployment(settings):
    from cryptography.fernet import Fernet

    ids = _check_ids(
        settings,
        DEBUG=False,
        CPS_ENDPOINT="https://cps.jdcloud-api.com",
        CPS_SIMULATED=False,
        CPS_ACCESS_KEY="ak",
        CPS_SECRET_KEY="sk",
        SECRET_KEY="a-long-random-production-secret",
        REINSTALL_PASSWORD_KEY=Fernet.generate_key().decode(),
    )

    assert ids == set()


def test_a_simulator_on_this_machine_needs_no_real_keys(settings):
    ids = _check_ids(
        settings,
        DEBUG=True,
        CPS_ENDPOINT="http://127.0.0.1:9000",
        CPS_SIMULATED=True,
        REINSTALL_PASSWORD_KEY="",
    )

    assert "cpsadmin.E002" not in ids


def test_checks_refuse_a_malformed_key(settings):
    assert "cpsadmin.E004" in _check_ids(settings, REINSTALL_PASSWORD_KEY="short")
