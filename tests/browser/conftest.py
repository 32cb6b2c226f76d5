"""A real cpsadmin, served in subprocesses, and a real Chromium to drive it.

The app runs as `make run` runs it: a fresh VAR_DIR (SQLite and the
simulator's file), `migrate`, `seed_demo`, then `runserver` with
`process_reinstalls --loop 1` beside it. pytest-django's live_server is not
used: its flush between tests fights the audit log's append-only triggers,
and Playwright's sync API runs an event loop that trips Django's
async-unsafe guard. So these tests never touch the database in-process; they
see only what a user sees.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads one.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cpsadmin.env import settings_variables

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


# "  alice    <password>    requester": the roles column is optional.
SEEDED_USER = re.compile(r"^\s+(?P<username>\w+)\s+(?P<password>\S+)(\s.*)?$")


@dataclass(frozen=True)
class LiveApp:
    url: str
    passwords: dict[str, str]


@pytest.fixture(scope="package", autouse=True)
def chromium_present():
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's Chromium "
            "(apt-get install -y chromium) to run the browser tests"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _app_env(var_dir: Path) -> dict[str, str]:
    # Nothing of the caller's settings (PostgreSQL under make test-postgres, a
    # real CPS, a task queue nobody runs): the app gets its own SQLite and
    # simulator.
    ignored = settings_variables()
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(
        VAR_DIR=str(var_dir),
        DEBUG="true",
        CPS_SIMULATOR_REINSTALL_SECONDS="3",
        CPS_SIMULATOR_TRANSITION_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _seeded_passwords(output: str) -> dict[str, str]:
    passwords = {}
    for line in output.splitlines():
        match = SEEDED_USER.match(line)
        if match:
            passwords[match["username"]] = match["password"]
    missing = {"alice", "bob", "carol"} - passwords.keys()
    if missing:
        pytest.fail(f"seed_demo printed no password for {sorted(missing)}:\n{output}")
    return passwords


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="package")
def live_app(tmp_path_factory):
    """cpsadmin on a free port, the background loop beside it; both stopped after."""
    var_dir = tmp_path_factory.mktemp("browser-app")
    env = _app_env(var_dir)
    _manage("migrate", "--no-input", env=env)
    passwords = _seeded_passwords(_manage("seed_demo", env=env))

    port = _free_port()
    commands = {
        "runserver": ["runserver", f"127.0.0.1:{port}", "--noreload"],
        "process_reinstalls": ["process_reinstalls", "--loop", "1"],
    }
    procs = []
    try:
        for name, args in commands.items():
            with open(var_dir / f"{name}.log", "wb") as log:
                procs.append(
                    subprocess.Popen(  # noqa: S603 (our own manage.py)
                        [sys.executable, "manage.py", *args],
                        cwd=BASE_DIR,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

        deadline = time.monotonic() + START_TIMEOUT
        while not _port_open(port):
            for proc, name in zip(procs, commands, strict=True):
                if proc.poll() is not None:
                    pytest.fail(f"{name} exited:\n{_tail(var_dir / f'{name}.log')}")
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not listen on port {port} in time")
            time.sleep(0.1)

        yield LiveApp(f"http://127.0.0.1:{port}", passwords)
    finally:
        for proc in procs:
            _stop(proc)
    # The port is free again for whatever runs next.
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="package")
def browser(chromium_present):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def sign_in(browser, live_app):
    """sign_in("alice") -> a page of a fresh browser context, signed in as alice.

    Each person gets their own context, so their sessions never mix. `then`
    is where the sign-in form sends them (its ?next=); without it they land
    on their role's own page.
    """
    contexts = []

    def sign_in_as(username: str, then: str = ""):
        context = browser.new_context(
            base_url=live_app.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        query = f"?{urlencode({'next': then})}" if then else ""
        page.goto(f"/accounts/login/{query}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(live_app.passwords[username])
        page.get_by_role("button", name="Sign in").click()
        # Loaded, and off the sign-in page: the password was right.
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield sign_in_as
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves a full-page PNG when SCREENSHOT_DIR is set."""
    directory = os.environ.get("SCREENSHOT_DIR")

    def take(page, name: str) -> None:
        if directory:
            path = Path(directory) / f"cpsadmin-{name}.png"
            page.screenshot(path=path, full_page=True)

    return take
