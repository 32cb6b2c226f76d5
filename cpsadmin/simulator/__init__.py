"""The built-in CPS simulator: a small JD Cloud CPS that speaks the real wire
protocol, kept in its own sqlite file (see engine.py and docs/INTERFACES.md)."""

import threading
from pathlib import Path

_lock = threading.Lock()
_current: dict = {"key": None, "simulator": None}


def get_simulator():
    """The process-wide Simulator for the current settings.

    It is re-created when CPS_SIMULATOR_DB, the credentials or the durations
    change, so a test that points the setting at tmp_path gets a fresh cloud.
    """
    from django.conf import settings

    from cpsadmin.simulator.engine import Simulator

    key = (
        str(Path(settings.CPS_SIMULATOR_DB).resolve()),
        settings.CPS_ACCESS_KEY,
        settings.CPS_SECRET_KEY,
        float(settings.CPS_SIMULATOR_REINSTALL_SECONDS),
        float(settings.CPS_SIMULATOR_TRANSITION_SECONDS),
    )
    with _lock:
        if _current["key"] != key:
            # The previous one is not closed: a client made earlier may still
            # hold it, and its connection closes when it is collected.
            _current["simulator"] = Simulator(
                settings.CPS_SIMULATOR_DB,
                credentials={settings.CPS_ACCESS_KEY: settings.CPS_SECRET_KEY},
                reinstall_seconds=settings.CPS_SIMULATOR_REINSTALL_SECONDS,
                transition_seconds=settings.CPS_SIMULATOR_TRANSITION_SECONDS,
            )
            _current["key"] = key
        return _current["simulator"]
