"""The cloud lives in its own sqlite file: it survives restarts, not resets."""

import sqlite3

from django.test import override_settings

from cpsadmin.simulator import get_simulator
from cpsadmin.simulator.engine import Simulator
from tests.simulator.conftest import RUNNING, STOPPED, reinstall_spec


def test_state_survives_a_new_simulator_on_the_same_file(api, simulator, clock):
    api.stop(RUNNING, token="tok-1")
    api.reinstall(STOPPED, reinstall_spec())

    again = Simulator(simulator.db_path, clock=clock)

    assert again.instance(RUNNING)["status"] == "stopping"
    assert again.instance(STOPPED)["status"] == "reinstalling"
    assert again.executions("stopInstance", RUNNING) == 1
    clock.now += 60
    assert again.instance(STOPPED)["status"] == "running"
    assert again.instance(STOPPED)["osTypeId"] == reinstall_spec()["osTypeId"]
    again.close()


def test_a_replayed_token_survives_a_restart(api, simulator, clock):
    first = api.stop(RUNNING, token="tok-1")

    again = Simulator(simulator.db_path, clock=clock, credentials=simulator.credentials)
    status, headers, body = again.respond(
        "PUT",
        f"/v1/regions/cn-north-1/instances/{RUNNING}:stopInstance",
        "",
        first.request.headers.multi_items(),
        first.request.content,
    ).as_tuple()

    assert (status, body) == (200, first.content)
    assert again.executions("stopInstance") == 1
    again.close()


def test_an_existing_file_is_not_seeded_again(simulator):
    simulator.set_status(RUNNING, "error")

    again = Simulator(simulator.db_path)

    assert again.instance(RUNNING)["status"] == "error"
    assert len(again.instances()) == 34
    again.close()


def test_reset_seeds_a_fresh_cloud_and_clears_faults(api, simulator):
    api.stop(RUNNING, token="tok-1")
    simulator.inject_fault("status")
    simulator.software_enabled = False

    simulator.reset()

    assert simulator.instance(RUNNING)["status"] == "running"
    assert simulator.executions("stopInstance") == 0
    assert simulator.faults() == []
    assert simulator.software_enabled is True
    assert api.stop(RUNNING, token="tok-1").status_code == 200


def test_the_file_and_its_folders_are_created_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "er" / "cps.sqlite3"

    Simulator(path).close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_get_simulator_follows_the_setting_and_reuses_the_instance(tmp_path):
    with override_settings(CPS_SIMULATOR_DB=tmp_path / "a.sqlite3"):
        first = get_simulator()
        assert get_simulator() is first
    with override_settings(CPS_SIMULATOR_DB=tmp_path / "b.sqlite3"):
        second = get_simulator()

    assert second is not first
    assert str(second.db_path).endswith("b.sqlite3")


def test_get_simulator_accepts_the_configured_credentials(settings):
    simulator = get_simulator()

    assert simulator.credentials == {settings.CPS_ACCESS_KEY: settings.CPS_SECRET_KEY}
    assert simulator.reinstall_seconds == settings.CPS_SIMULATOR_REINSTALL_SECONDS
