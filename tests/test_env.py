import pytest
from django.core.exceptions import ImproperlyConfigured

from cpsadmin.env import env_bool, env_float, env_int, env_list, env_secret


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
