import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cpsadmin.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_url,
)


def test_booleans_accept_only_true_or_false(monkeypatch):
    monkeypatch.setenv("FLAG", "True")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "false")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_unset_values_fall_back_to_defaults(monkeypatch):
    monkeypatch.delenv("NUMBER", raising=False)
    assert env_int("NUMBER", 7) == 7
    assert env_float("NUMBER", 1.5) == 1.5
    assert env_list("NUMBER", ["a"]) == ["a"]


def test_malformed_numbers_are_refused(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("NUMBER", 1)
    with pytest.raises(ImproperlyConfigured, match="number"):
        env_float("NUMBER", 1.0)


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_numbers_that_are_not_finite_are_refused(monkeypatch, raw):
    # CPS_TIMEOUT=nan would pass a minimum check and break every CPS call.
    monkeypatch.setenv("NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_float("NUMBER", 1.0, minimum=0.1)


def test_numbers_below_their_minimum_are_refused(monkeypatch):
    monkeypatch.setenv("NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("NUMBER", 5, minimum=1)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert env_secret("TOKEN") == "s3cret"

    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="TOKEN_FILE"):
        env_secret("TOKEN")


def test_lists_are_split_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_choices_accept_only_the_listed_values(monkeypatch):
    monkeypatch.setenv("LEVEL", "WARNING")
    assert env_choice("LEVEL", "INFO", ("INFO", "WARNING")) == "WARNING"
    monkeypatch.setenv("LEVEL", "")
    assert env_choice("LEVEL", "INFO", ("INFO", "WARNING")) == "INFO"
    monkeypatch.setenv("LEVEL", "warning")
    with pytest.raises(ImproperlyConfigured, match="LEVEL must be one of"):
        env_choice("LEVEL", "INFO", ("INFO", "WARNING"))


@pytest.mark.parametrize("level", ["debug", "verbose", "10"])
def test_a_malformed_log_level_stops_start_up_naming_it(level):
    # Left to logging.dictConfig, the error names the logger, not LOG_LEVEL.
    result = subprocess.run(
        [sys.executable, "-c", "import cpsadmin.settings"],
        env={**os.environ, "LOG_LEVEL": level},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: LOG_LEVEL must be one of" in result.stderr


@pytest.mark.parametrize(
    "raw",
    ["cps.jdcloud-api.com", "ftp://cps.example", "https://", "http:/cps.example"],
)
def test_urls_need_one_of_their_schemes_and_a_host(monkeypatch, raw):
    monkeypatch.setenv("ENDPOINT", raw)
    with pytest.raises(ImproperlyConfigured, match="ENDPOINT must be"):
        env_url("ENDPOINT", schemes=("http", "https"))


def test_urls_with_their_scheme_are_kept_as_given(monkeypatch):
    monkeypatch.setenv("ENDPOINT", "https://cps.example:8443/prefix")
    assert env_url("ENDPOINT", schemes=("https",)) == "https://cps.example:8443/prefix"
    monkeypatch.setenv("ENDPOINT", "unix:///run/redis.sock")
    assert env_url("ENDPOINT", schemes=("unix",)) == "unix:///run/redis.sock"
    monkeypatch.delenv("ENDPOINT")
    assert env_url("ENDPOINT", "x", schemes=("https",)) == "x"


def test_a_malformed_url_is_refused_without_echoing_its_credentials(monkeypatch):
    monkeypatch.setenv("CACHE", "redis//:hunter2@cache:6379/0")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_url("CACHE", schemes=("redis", "rediss", "unix"))
    assert "hunter2" not in str(caught.value)


def test_numbers_above_their_maximum_are_refused(monkeypatch):
    monkeypatch.setenv("PORT", "99999")
    with pytest.raises(ImproperlyConfigured, match="at most 65535"):
        env_int("PORT", 587, minimum=1, maximum=65535)


@pytest.mark.parametrize(
    "setting",
    [
        "CPS_ENDPOINT=cps.jdcloud-api.com",
        "SITE_URL=console.example.com",
        "REDIS_URL=cache:6379",
        "EMAIL_HOST=smtp.example EMAIL_PORT=99999",
    ],
)
def test_a_malformed_address_stops_start_up_naming_it(setting):
    changes = dict(pair.split("=", 1) for pair in setting.split())
    result = subprocess.run(
        [sys.executable, "-c", "import cpsadmin.settings"],
        env={**os.environ, **changes},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    name = setting.split()[-1].split("=")[0]
    assert f"ImproperlyConfigured: {name} must be" in result.stderr


def _settings_in_a_fresh_process(**env):
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json; from django.conf import settings as s; import django; "
        "django.setup(); print(json.dumps([s.CPS_SIMULATED, s.CPS_ACCESS_KEY]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CPS_")}
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cpsadmin.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_an_endpoint_on_this_machine_is_the_simulator_with_demo_keys():
    simulated, access_key = _settings_in_a_fresh_process(
        CPS_ENDPOINT="http://127.0.0.1:9000"
    )

    assert simulated is True
    assert access_key == "cpsadmin-demo-ak"


def test_a_real_endpoint_has_no_default_keys():
    simulated, access_key = _settings_in_a_fresh_process(
        CPS_ENDPOINT="https://cps.jdcloud-api.com"
    )

    assert simulated is False
    assert access_key == ""


def test_settings_variables_names_every_setting_read_from_the_environment():
    from cpsadmin.env import settings_variables

    names = settings_variables()

    for name in ("DATABASE_URL", "CPS_ENDPOINT", "SECURE_HSTS_SECONDS", "LOG_LEVEL"):
        assert name in names
        assert f"{name}_FILE" in names
    assert "DJANGO_SETTINGS_MODULE" not in names
