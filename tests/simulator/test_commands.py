"""manage.py simulator and runsimulator."""

import os
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import CommandError, call_command

from cpsadmin.simulator import get_simulator
from tests.simulator.conftest import RUNNING

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_fault_adds_a_fault_to_the_state_file():
    output = run("simulator", "fault", "status", "--status", "500", "--count", "2")

    (fault,) = get_simulator().faults()
    assert (fault.kind, fault.status, fault.remaining) == ("status", 500, 2)
    assert "added" in output


def test_fault_takes_every_kind_and_option():
    run("simulator", "fault", "latency", "--seconds", "1.5", "--share", "0.5")
    run("simulator", "fault", "drop_after", "--action", "reinstallInstance")
    run("simulator", "fault", "html")

    kinds = [
        (f.kind, f.seconds, f.share, f.action, f.status)
        for f in get_simulator().faults()
    ]
    assert kinds == [
        ("latency", 1.5, 0.5, None, None),
        ("drop_after", None, None, "reinstallInstance", None),
        ("html", None, None, None, 502),
    ]


def test_fault_with_bad_options_is_a_command_error():
    with pytest.raises(CommandError, match="seconds"):
        run("simulator", "fault", "latency")


def test_clear_faults_removes_them_all():
    get_simulator().inject_fault("drop")

    run("simulator", "clear-faults")

    assert get_simulator().faults() == []


def test_software_off_and_on_flips_the_switch():
    run("simulator", "software", "off")
    assert get_simulator().software_enabled is False

    run("simulator", "software", "on")
    assert get_simulator().software_enabled is True


def test_reset_restores_the_seeded_cloud():
    get_simulator().set_status(RUNNING, "error")

    run("simulator", "reset")

    assert get_simulator().instance(RUNNING)["status"] == "running"


def test_status_prints_instances_faults_and_the_switch():
    get_simulator().inject_fault("status", count=1)

    output = run("simulator", "status")

    assert "web-01" in output
    assert RUNNING in output
    assert "describeSoftware: on" in output
    assert "status status=503 remaining=1" in output


@pytest.mark.parametrize(
    "addrport", ["nowhere:9000", "127.0.0.1:http", "1.2.3.4:70000"]
)
def test_runsimulator_refuses_a_bad_address(addrport):
    with pytest.raises(CommandError, match="not a valid address"):
        run("runsimulator", addrport)


def test_runsimulator_refuses_a_bad_fault_spec():
    with pytest.raises(CommandError, match="Bad --fault"):
        run("runsimulator", "127.0.0.1:0", "--fault", "status,colour=red")


def test_runsimulator_serves_and_stops_cleanly_on_sigterm(tmp_path):
    env = {
        **os.environ,
        "CPS_SIMULATOR_DB": str(tmp_path / "served.sqlite3"),
        "CPS_ENDPOINT": "",
        "DJANGO_SETTINGS_MODULE": "cpsadmin.settings",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "manage.py",
            "runsimulator",
            "127.0.0.1:0",
            "--fault",
            "status,status=500,count=1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        fault_line = process.stdout.readline()
        url = first_line.split("listening on ")[1].split()[0]

        faulted = httpx.get(url + "v1/regions")
        unsigned = httpx.get(url + "v1/regions")

        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    assert faulted.status_code == 500
    assert unsigned.status_code == 401
    assert process.returncode == 0
    assert fault_line.startswith("Fault active: #1 status status=500")
    assert "Simulated CPS stopped." in out
