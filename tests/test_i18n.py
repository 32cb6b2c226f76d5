"""English and Simplified Chinese: language choice, and the shipped catalogue."""

import ast
import gettext
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

LOGIN_URL = reverse("accounts:login")
SERVERS_URL = reverse("reinstalls:servers")
SET_LANGUAGE_URL = reverse("set_language")
LOCALE_DIR = settings.BASE_DIR / "cpsadmin" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{\}")


@pytest.fixture
def as_requester(client, requester):
    client.force_login(requester)
    return client


# --- Choosing the language ----------------------------------------------------


def test_login_page_is_english_by_default(client):
    response = client.get(LOGIN_URL)

    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text


@pytest.mark.parametrize("accept", ["zh-hans", "zh-CN,zh;q=0.9,en;q=0.8"])
def test_login_page_follows_a_chinese_accept_language(client, accept):
    response = client.get(LOGIN_URL, headers={"Accept-Language": accept})

    assert '<html lang="zh-hans">' in response.text
    assert "登录" in response.text
    assert "Sign in" not in response.text


def test_servers_page_follows_a_chinese_accept_language(as_requester):
    response = as_requester.get(SERVERS_URL, headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 200
    assert "<h1" in response.text and "云物理服务器</h1>" in response.text
    assert "退出登录" in response.text
    assert ">已停止</span>" in response.text
    assert ">运行中</span>" in response.text
    assert "重装系统</a>" in response.text


def test_servers_page_follows_the_language_cookie(as_requester):
    as_requester.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = as_requester.get(SERVERS_URL, headers={"Accept-Language": "en"})

    assert '<html lang="zh-hans">' in response.text
    assert "我的申请" in response.text
    assert "全部状态" in response.text


def test_set_language_switches_to_chinese_and_back(as_requester):
    response = as_requester.post(
        SET_LANGUAGE_URL, {"language": "zh-hans", "next": SERVERS_URL}
    )

    assert response.status_code == 302
    assert response.url == SERVERS_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "云物理服务器" in as_requester.get(SERVERS_URL).text

    as_requester.post(SET_LANGUAGE_URL, {"language": "en", "next": SERVERS_URL})

    page = as_requester.get(SERVERS_URL).text
    assert '<html lang="en">' in page
    assert "云物理服务器" not in page


def test_language_menu_names_each_language_in_itself(as_requester):
    page = as_requester.get(SERVERS_URL, headers={"Accept-Language": "zh-hans"}).text

    assert '<option value="en" lang="en">English</option>' in page
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in page


# --- The catalogue ------------------------------------------------------------


def _po_entries(text: str) -> list[dict]:
    """The live entries of a .po file: {"msgctxt", "msgid", "msgstr[0]", ...}."""
    entries = []
    for block in text.split("\n\n"):
        entry, key, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue  # comments, references, and obsolete (#~) entries
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):  # the header has an empty msgid
            entry["fuzzy"] = "fuzzy" in flags
            entries.append(entry)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_every_catalogue_entry_is_translated_and_not_fuzzy():
    entries = _po_entries(PO_FILE.read_text(encoding="utf-8"))

    assert len(entries) > 300
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []
    assert [e["msgid"] for e in entries if not all(_translations(e))] == []


def test_translations_keep_every_placeholder():
    broken = []
    for entry in _po_entries(PO_FILE.read_text(encoding="utf-8")):
        expected = set(PLACEHOLDER.findall(entry["msgid"]))
        expected |= set(PLACEHOLDER.findall(entry.get("msgid_plural", "")))
        for translation in _translations(entry):
            if set(PLACEHOLDER.findall(translation)) != expected:
                broken.append(entry["msgid"])

    assert broken == []


def test_shipped_mo_file_matches_the_po_file(tmp_path):
    """The .mo is committed, so a machine without gettext still translates.

    File times mean nothing after a git checkout: compile the .po afresh and
    compare the two catalogues instead.
    """
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        [msgfmt, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True
    )

    with MO_FILE.open("rb") as shipped, fresh.open("rb") as compiled:
        shipped_catalog = gettext.GNUTranslations(shipped)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog

    assert shipped_catalog == compiled_catalog, (
        "django.mo is stale: run `make messages`"
    )
