"""The reinstall form: choices from the live catalogue, validation, submission."""

import pytest
from django.urls import reverse

from cpsadmin.accounts.roles import Role
from cpsadmin.audit.models import AuditEvent
from cpsadmin.reinstalls.models import ReinstallRequest, Status
from cpsadmin.simulator.catalogue import os_type_id, raid_type_id
from tests.conftest import make_user
from tests.reinstalls.conftest import DB_03, REGION, SECRET, WEB_01, WEB_04

URL = reverse("reinstalls:reinstall", args=[REGION, WEB_04])
RUNNING_URL = reverse("reinstalls:reinstall", args=[REGION, WEB_01])
SOFTWARE_URL = reverse("reinstalls:software_options")
UBUNTU_2004 = os_type_id("cps.c.normal", "ubuntu-20.04")
DEBIAN_11 = os_type_id("cps.c.normal", "debian-11")
HIGHMEM_CENTOS = os_type_id("cps.c.highmem", "centos-7.9")
SYS_NORAID = raid_type_id("cps.c.normal", "system", "NORAID")
DATA_RAID1 = raid_type_id("cps.c.normal", "data", "RAID1")
HIGHMEM_DATA_RAID10 = raid_type_id("cps.c.highmem", "data", "raid10")


@pytest.fixture
def as_requester(signed_in, requester):
    return signed_in(requester)


@pytest.fixture
def post(as_requester, django_capture_on_commit_callbacks):
    """post(data, **kwargs): submit the form, running on-commit work (CPS)."""

    def send(data, url=URL, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return as_requester.post(url, data, **kwargs)

    return send


def errors_of(response) -> dict:
    return response.context["form"].errors


# --- Rendering from the catalogue ------------------------------------------------


def test_os_select_lists_the_simulators_images_grouped_by_family(as_requester):
    response = as_requester.get(URL)

    assert response.status_code == 200
    for name in ("Ubuntu 20.04(x86_64)", "CentOS 7.9(x86_64)", "Debian 11(x86_64)"):
        assert name in response.text
    assert '<optgroup label="Ubuntu">' in response.text
    assert '<optgroup label="Windows">' in response.text


def test_os_families_are_spelled_as_the_catalogue_spells_them(as_requester):
    response = as_requester.get(URL)

    assert '<optgroup label="CentOS">' in response.text
    assert "Centos" not in response.text


def test_os_select_follows_the_device_type(as_requester):
    response = as_requester.get(reverse("reinstalls:reinstall", args=[REGION, DB_03]))

    # cps.c.highmem offers no Debian image and its own OS ids.
    assert "Debian 11(x86_64)" not in response.text
    assert HIGHMEM_CENTOS in response.text
    assert UBUNTU_2004 not in response.text


def test_raid_selects_are_split_by_volume_type(as_requester):
    form = as_requester.get(URL).context["form"]

    system = [value for value, _ in form.fields["sys_raid_type_id"].choices if value]
    data = [value for value, _ in form.fields["data_raid_type_id"].choices if value]
    assert system == ["r-cnormal-sys-noraid", "r-cnormal-sys-raid1"]
    assert data == [
        "r-cnormal-data-noraid",
        "r-cnormal-data-raid0",
        "r-cnormal-data-raid1",
    ]


def test_az_is_prefilled_from_the_instance_and_read_only(as_requester):
    response = as_requester.get(URL)

    assert 'name="az" value="cn-north-1b"' in response.text
    assert response.context["form"].fields["az"].disabled


def test_keep_data_has_no_preselected_answer(as_requester):
    response = as_requester.get(URL)

    radios = [line for line in response.text.split(">") if 'name="keep_data"' in line]
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)


def test_wipe_warning_is_hidden_until_no_is_chosen(as_requester, reinstall_data):
    page = as_requester.get(URL).text
    kept = as_requester.post(URL, reinstall_data(keep_data="no", reason="")).text

    assert 'id="wipe-confirmation"' in page
    assert 'data-reveal="#wipe-confirmation" data-reveal-when="no"' in page
    assert "hidden>" in page.split('id="wipe-confirmation"')[1].split("</div>")[0]
    shown = kept.split('id="wipe-confirmation"')[1].split(">")[0]
    assert "hidden" not in shown
    assert "Every data disk will be wiped." in kept


def test_password_rule_is_explained_next_to_the_field(as_requester):
    response = as_requester.get(URL)

    assert "8 to 30 characters" in response.text
    assert "<code>()`~!@#$%^&amp;*_-+=|{}[]:&quot;;&#x27;&lt;&gt;,.?/</code>" in (
        response.text
    )


def test_software_is_not_offered_for_the_standard_image(as_requester):
    response = as_requester.get(URL)

    assert 'name="softwares"' not in response.text
    assert response.context["form"].software_state == "hidden"


def test_os_and_image_type_controls_refetch_the_software_with_htmx(as_requester):
    response = as_requester.get(URL)

    select = response.text.split('<select name="os_type_id"')[1].split(">")[0]
    assert f'hx-get="{SOFTWARE_URL}"' in select
    assert 'hx-target="#software-options"' in select
    assert 'hx-indicator="#software-indicator"' in select
    assert 'id="software-indicator"' in response.text


# --- The htmx software swap -------------------------------------------------------


def test_software_swap_lists_what_describe_software_offers(as_requester):
    response = as_requester.get(
        SOFTWARE_URL,
        {"region": REGION, "os_type_id": UBUNTU_2004, "image_type": "Standard_app"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="software-options"')
    assert 'value="postgresql==12.17"' in response.text
    assert "nginx 1.18.0" in response.text
    assert "HX-Request" in response["Vary"]


def test_software_swap_is_empty_for_the_standard_image(as_requester):
    response = as_requester.get(
        SOFTWARE_URL,
        {"region": REGION, "os_type_id": UBUNTU_2004, "image_type": "Standard"},
        headers={"HX-Request": "true"},
    )

    assert 'name="softwares"' not in response.text


def test_software_swap_says_so_when_the_os_has_no_software(as_requester):
    response = as_requester.get(
        SOFTWARE_URL,
        {"region": REGION, "os_type_id": DEBIAN_11, "image_type": "Standard_app"},
        headers={"HX-Request": "true"},
    )

    assert "No software is offered for this OS" in response.text
    assert 'name="softwares"' not in response.text


def test_software_swap_says_so_when_describe_software_is_not_found(
    as_requester, cps_simulator
):
    cps_simulator.software_enabled = False

    response = as_requester.get(
        SOFTWARE_URL,
        {"region": REGION, "os_type_id": UBUNTU_2004, "image_type": "Standard_app"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "No software is offered for this OS" in response.text


def test_software_swap_shows_an_upstream_error(as_requester, cps_simulator):
    cps_simulator.inject_fault("status", status=503, action="describeSoftware")

    response = as_requester.get(
        SOFTWARE_URL,
        {"region": REGION, "os_type_id": UBUNTU_2004, "image_type": "Standard_app"},
        headers={"HX-Request": "true"},
    )

    assert "Loading the software list from CPS failed." in response.text
    assert "503 UNAVAILABLE" in response.text


def test_software_swap_is_refused_to_outsiders(signed_in, outsider):
    response = signed_in(outsider).get(SOFTWARE_URL, {"region": REGION})

    assert response.status_code == 403


# --- Validation --------------------------------------------------------------------


def test_valid_form_creates_a_request_and_goes_to_it(post, reinstall_data):
    response = post(reinstall_data())

    req = ReinstallRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == req.get_absolute_url()
    assert req.instance_id == WEB_04
    assert req.az == "cn-north-1b"
    assert req.os_type_id == UBUNTU_2004
    assert req.os_name == "Ubuntu 20.04(x86_64)"
    assert req.keep_data is True
    assert req.status == Status.PENDING


def test_htmx_submission_gets_a_client_redirect(post, reinstall_data):
    response = post(reinstall_data(), headers={"HX-Request": "true"})

    req = ReinstallRequest.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == req.get_absolute_url()


def test_posted_az_is_ignored_in_favour_of_the_instances(post, reinstall_data):
    post(reinstall_data(az="cn-north-1a"))

    assert ReinstallRequest.objects.get().az == "cn-north-1b"


def test_chosen_software_is_kept_with_the_request(post, reinstall_data):
    post(
        reinstall_data(
            image_type="Standard_app", softwares=["nginx==1.18.0", "docker-ce==24.0.7"]
        )
    )

    softwares = ReinstallRequest.objects.get().softwares
    assert [(s["name"], s["version"]) for s in softwares] == [
        ("nginx", "1.18.0"),
        ("docker-ce", "24.0.7"),
    ]


def test_describe_software_not_found_still_allows_a_reinstall(
    post, reinstall_data, cps_simulator
):
    cps_simulator.software_enabled = False

    response = post(reinstall_data(image_type="Standard_app"))

    assert response.status_code == 302
    assert ReinstallRequest.objects.get().softwares == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("os_type_id", "00000000-0000-0000-0000-000000000000"),
        ("os_type_id", HIGHMEM_CENTOS),
        ("sys_raid_type_id", "r-cnormal-sys-raid5"),
        ("sys_raid_type_id", "r-cnormal-data-raid0"),
        ("data_raid_type_id", "r-cnormal-sys-raid1"),
        ("data_raid_type_id", HIGHMEM_DATA_RAID10),
        ("image_type", "standard_app"),
        ("image_type", "standard"),
        ("image_type", "Custom"),
        ("keep_data", "maybe"),
        ("keep_data", "true"),
    ],
)
def test_tampered_choice_is_a_form_error(post, reinstall_data, field, value):
    response = post(reinstall_data(**{field: value}))

    assert response.status_code == 200
    assert field in errors_of(response)
    assert not ReinstallRequest.objects.exists()


def test_software_not_offered_for_the_os_is_a_form_error(post, reinstall_data):
    # nginx 1.20.1 exists, but for CentOS, not for Ubuntu 20.04.
    response = post(
        reinstall_data(image_type="Standard_app", softwares=["nginx==1.20.1"])
    )

    assert "softwares" in errors_of(response)
    assert not ReinstallRequest.objects.exists()


def test_software_with_the_standard_image_is_a_form_error(post, reinstall_data):
    response = post(reinstall_data(softwares=["nginx==1.18.0"]))

    assert "softwares" in errors_of(response)
    assert "nginx==1.18.0 is not one of the available choices" in response.text
    assert not ReinstallRequest.objects.exists()


@pytest.mark.parametrize(
    "field",
    [
        "os_type_id",
        "image_type",
        "sys_raid_type_id",
        "data_raid_type_id",
        "keep_data",
        "password",
        "password_confirm",
        "reason",
    ],
)
def test_missing_field_is_a_form_error(post, reinstall_data, field):
    response = post(reinstall_data(**{field: None}))

    assert field in errors_of(response)
    assert not ReinstallRequest.objects.exists()


def test_wiping_requires_the_instance_name(post, reinstall_data):
    response = post(reinstall_data(keep_data="no"))

    assert "confirm_name" in errors_of(response)


def test_wiping_with_the_wrong_name_is_a_form_error(post, reinstall_data):
    response = post(reinstall_data(keep_data="no", confirm_name="web-05"))

    assert errors_of(response)["confirm_name"] == [
        "This is not the name of this instance."
    ]


def test_wiping_with_the_right_name_creates_the_request(post, reinstall_data):
    response = post(reinstall_data(keep_data="no", confirm_name="web-04"))

    assert response.status_code == 302
    assert ReinstallRequest.objects.get().keep_data is False


@pytest.mark.parametrize(
    "password",
    [
        "Ab1-xyz",  # 7 characters
        "Ab1-" + "x" * 27,  # 31 characters
        "abcdefgh12",  # two classes
        "ABCDEFGH!!",  # two classes
        "Abcdefgh 12",  # a space
        "Abcdefgh\\12",  # backslash is not in the list
        "Abcdéfgh12",  # not ASCII
        "Abcdefgh12\n",  # a trailing newline is not stripped away
    ],
)
def test_password_outside_the_cps_rule_is_a_form_error(post, reinstall_data, password):
    response = post(reinstall_data(password=password, password_confirm=password))

    assert "password" in errors_of(response)
    assert not ReinstallRequest.objects.exists()


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1", "abcdefg1!", "ABCDEFG1#", "Abc!" + "d" * 26, "()`~!@#$%^&*aA"],
)
def test_password_inside_the_cps_rule_is_accepted(post, reinstall_data, password):
    response = post(reinstall_data(password=password, password_confirm=password))

    assert response.status_code == 302


def test_two_password_problems_are_two_separate_messages(post, reinstall_data):
    response = post(reinstall_data(password="abc", password_confirm="abc"))

    assert len(errors_of(response)["password"]) == 2
    assert '<p id="error_1_id_password">' in response.text
    assert '<p id="error_2_id_password">' in response.text


def test_password_confirmation_must_match(post, reinstall_data):
    response = post(reinstall_data(password_confirm=SECRET + "x"))

    assert "password_confirm" in errors_of(response)


def test_password_never_comes_back_in_the_page(post, reinstall_data):
    response = post(reinstall_data(reason=""))

    assert "reason" in errors_of(response)
    assert SECRET not in response.text
    assert "Move web-04" not in response.text  # the reason was emptied


def test_form_keeps_what_was_typed_on_a_validation_error(post, reinstall_data):
    response = post(reinstall_data(password="short", password_confirm="short"))

    assert "Move web-04 to the new base image" in response.text
    assert f'value="{UBUNTU_2004}" selected' in response.text
    assert "short" not in response.text.split('name="password"')[1].split(">")[0]


def test_out_of_date_submission_key_is_a_form_error(post, reinstall_data):
    response = post(reinstall_data(submission_key="not-a-key"))

    assert response.context["form"].non_field_errors()
    assert not ReinstallRequest.objects.exists()


# --- Only stopped servers -------------------------------------------------------


def test_running_server_is_refused_with_a_way_to_stop_it(as_requester):
    response = as_requester.get(RUNNING_URL)

    assert response.status_code == 200
    assert "web-01 is running. Only a stopped server can be reinstalled." in (
        response.text
    )
    assert reverse("reinstalls:stop", args=[REGION, WEB_01]) in response.text
    assert 'id="reinstall-form"' not in response.text


def test_refusal_for_a_stopping_server_asks_to_wait(as_requester, cps_simulator):
    cps_simulator.set_status(WEB_04, "stopping")

    response = as_requester.get(URL)

    assert "web-04 is stopping." in response.text
    assert "Wait until it is stopped" in response.text


def test_post_for_a_running_server_is_refused(post, reinstall_data, cps_simulator):
    response = post(reinstall_data(), url=RUNNING_URL)

    assert "Only a stopped server can be reinstalled." in response.text
    assert not ReinstallRequest.objects.exists()
    assert cps_simulator.executions("reinstallInstance") == 0


def test_state_is_checked_again_at_submission(
    as_requester, post, reinstall_data, cps_simulator
):
    as_requester.get(URL)
    cps_simulator.set_status(WEB_04, "running")

    response = post(reinstall_data())

    assert "web-04 is running." in response.text
    assert not ReinstallRequest.objects.exists()


# --- Exactly once ---------------------------------------------------------------


def test_double_submit_creates_one_request_and_reinstalls_once(
    post, reinstall_data, no_approval_needed, cps_simulator
):
    data = reinstall_data()

    first = post(data)
    second = post(data)

    req = ReinstallRequest.objects.get()
    assert first["Location"] == req.get_absolute_url()
    assert second["Location"] == req.get_absolute_url()
    assert req.status == Status.SUBMITTED
    assert cps_simulator.executions("reinstallInstance", WEB_04) == 1


def test_second_form_for_a_server_with_an_open_request_is_refused(post, reinstall_data):
    post(reinstall_data())

    response = post(reinstall_data(submission_key="0" * 32))

    assert response.status_code == 200
    assert "still open" in response.text
    assert ReinstallRequest.objects.count() == 1


def test_refusal_for_an_open_request_links_to_that_request(post, reinstall_data):
    post(reinstall_data())
    req = ReinstallRequest.objects.get()

    response = post(reinstall_data(submission_key="0" * 32))

    link = f'<a class="alert-link" href="{req.get_absolute_url()}">'
    assert f"{link}Request #{req.pk} for this server is still open.</a>" in (
        response.text
    )


def test_form_for_a_server_with_an_open_request_shows_a_link_instead(
    as_requester, post, reinstall_data
):
    post(reinstall_data())
    req = ReinstallRequest.objects.get()

    response = as_requester.get(URL)

    assert 'id="open-request"' in response.text
    assert f'href="{req.get_absolute_url()}"' in response.text
    assert 'id="reinstall-form"' not in response.text


def test_refused_submission_can_be_sent_again_with_the_same_key(post, reinstall_data):
    data = reinstall_data()
    post({**data, "password_confirm": "Other-Secret-1"})

    response = post(data)

    assert response.status_code == 302
    assert ReinstallRequest.objects.count() == 1


def test_password_is_kept_out_of_the_record_and_the_logs(
    post, reinstall_data, no_approval_needed, caplog
):
    caplog.set_level("DEBUG")

    post(reinstall_data())

    req = ReinstallRequest.objects.values().get()
    assert SECRET not in str(req)
    assert SECRET not in str(list(AuditEvent.objects.values()))
    assert SECRET not in caplog.text


# --- Upstream errors ----------------------------------------------------------------


def test_upstream_error_keeps_the_form_without_the_password(
    post, reinstall_data, cps_simulator
):
    cps_simulator.inject_fault("status", status=503, action="describeInstance", count=1)

    response = post(reinstall_data(keep_data="no", confirm_name="web-04"))

    assert response.status_code == 200
    assert not ReinstallRequest.objects.exists()
    assert "Reading the server&#x27;s state from CPS failed." in response.text
    assert "503 UNAVAILABLE" in response.text
    request_id = response.context["cps_problem"].request_id
    assert request_id
    assert request_id in response.text
    assert "Move web-04 to the new base image" in response.text
    assert f'value="{UBUNTU_2004}" selected' in response.text
    assert 'value="web-04"' in response.text
    assert SECRET not in response.text


def test_catalogue_error_on_submit_keeps_the_form_without_the_password(
    post, reinstall_data, cps_simulator
):
    cps_simulator.inject_fault("status", status=500, action="describeOS")

    response = post(reinstall_data())

    assert "Loading the OS images from CPS failed." in response.text
    assert "500 INTERNAL" in response.text
    assert "Move web-04 to the new base image" in response.text
    assert SECRET not in response.text
    assert not ReinstallRequest.objects.exists()


def test_catalogue_error_on_render_names_what_failed(as_requester, cps_simulator):
    cps_simulator.inject_fault("status", status=503, action="describeDeviceRaids")

    response = as_requester.get(URL)

    assert response.status_code == 200
    assert "Loading the RAID levels from CPS failed." in response.text
    assert response.context["cps_problem"].request_id in response.text
    assert 'id="reinstall-form"' not in response.text


def test_catalogue_error_on_render_offers_to_try_again(as_requester, cps_simulator):
    cps_simulator.inject_fault("status", status=500, action="describeOS")

    response = as_requester.get(URL)

    assert f'href="{URL}" data-cps-retry>Try again</a>' in response.text


def test_submission_error_offers_no_link_that_would_drop_the_form(
    post, reinstall_data, cps_simulator
):
    cps_simulator.inject_fault("status", status=500, action="describeOS")

    response = post(reinstall_data())

    assert "data-cps-retry" not in response.text


def test_malformed_reply_is_called_no_valid_answer(as_requester, cps_simulator):
    cps_simulator.inject_fault("malformed", action="describeOS")

    response = as_requester.get(URL)

    assert "<code>no valid answer</code>" in response.text


def test_refresh_button_sits_in_the_form_column(as_requester):
    response = as_requester.get(URL)

    column = response.text.split('<div class="col-lg-8">', 1)[1]
    refresh = column.index("Refresh the OS and RAID lists")
    assert refresh < column.index('id="reinstall-form"')


# --- Access ---------------------------------------------------------------------------


def test_outsider_gets_403_for_the_reinstall_form(signed_in, outsider):
    assert signed_in(outsider).get(URL).status_code == 403


def test_approver_gets_403_for_the_reinstall_form(signed_in, approver):
    assert signed_in(approver).get(URL).status_code == 403


def test_requester_scoped_to_web_servers_gets_404_for_a_db_server(signed_in, db):
    web_only = make_user("walter", Role.REQUESTER, scope="web-*")

    response = signed_in(web_only).get(
        reverse("reinstalls:reinstall", args=[REGION, DB_03])
    )

    assert response.status_code == 404


def test_requester_scoped_to_web_servers_cannot_post_for_a_db_server(
    signed_in, db, reinstall_data
):
    web_only = make_user("walter", Role.REQUESTER, scope="web-*")
    url = reverse("reinstalls:reinstall", args=[REGION, DB_03])

    response = signed_in(web_only).post(url, reinstall_data())

    assert response.status_code == 404
    assert not ReinstallRequest.objects.exists()


def test_unknown_server_gets_404(as_requester):
    url = reverse("reinstalls:reinstall", args=[REGION, "cps-doesnotexist0000"])

    assert as_requester.get(url).status_code == 404
