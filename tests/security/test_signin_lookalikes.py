"""Allow-lists against the accounts an attacker can make: an e-mail address the provider has not
verified, and addresses that only look like an allow-listed one (a long s or a Kelvin sign that
`casefold()` turns into "s" and "k", a second "@"). Each is refused on the pages (AppTest) and
through a real OpenID provider in Chromium; the genuine, verified address still gets its role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.helpers import SIGNIN_AUTH, oidc_provider, shown, signin_secrets, small_dataset

ANALYST = "a.analyst@force.police.uk"
ACCESS = {"importers": [ANALYST], "viewers": ["@force.police.uk"]}
ACCESS_TOML = f"""
[access]
importers = ["{ANALYST}"]
viewers = ["@force.police.uk"]
"""
GENUINE = {"email": ANALYST, "email_verified": True, "name": "A Analyst"}
ATTACKERS = {
    "unverified": {"email": ANALYST, "email_verified": False},
    "unverified-text": {"email": ANALYST, "email_verified": "false"},
    "verification-unsaid": {"email": ANALYST},
    "long-s": {"email": "a.analy\u017ft@force.police.uk", "email_verified": True},
    "kelvin-sign": {"email": "mallory@force.police.u\u212a", "email_verified": True},
    "second-at": {"email": "evil@attacker.example@force.police.uk", "email_verified": True},
}
"""Provider accounts an attacker could make, by the name (`sub`) they sign in with."""
AUTH = SIGNIN_AUTH


# on the pages (AppTest hands the claims to st.user as the sign-in cookie would)


def _data_page(monkeypatch, folder: Path, claims: dict) -> AppTest:
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": True, **claims}
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_the_verified_address_on_the_allow_list_may_import(monkeypatch, dataset):
    at = _data_page(monkeypatch, dataset, GENUINE)
    captions = " ".join(shown(c.value) for c in at.sidebar.caption)
    assert f"Signed in as **{ANALYST}** (importer and viewer)" in captions
    assert at.get("file_uploader") and not any(u.disabled for u in at.get("file_uploader"))


@pytest.mark.parametrize("sub", ATTACKERS)
def test_an_unverified_or_look_alike_address_gets_no_role(monkeypatch, dataset, sub):
    at = _data_page(monkeypatch, dataset, ATTACKERS[sub])
    assert "who has no role in this app" in " ".join(shown(e.value) for e in at.error)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.dataframe and not at.get("file_uploader")


# through a real OpenID provider (oidc-provider-mock) in Chromium


@pytest.fixture(scope="module")
def provider() -> str:
    """A real OpenID provider on a free port holding the genuine analyst and the attackers."""
    with oidc_provider({"analyst": GENUINE, **ATTACKERS}) as url:
        yield url


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory) -> str:
    """The app with sign-in through `provider` and the allow-lists of ACCESS."""
    from tools.app_server import app_server, free_port

    port = free_port()
    secrets = signin_secrets(port, provider, ACCESS_TOML)
    folder = small_dataset(tmp_path_factory.mktemp("lookalikes") / "data")
    with app_server(folder, tiles="none", secrets=secrets, port=port) as url:
        yield url


def _signed_in(browser, app: str, sub: str):
    """A fresh browser (its own cookies) signed in at the provider as `sub`, on /data."""
    from tests.browser_support import IDLE

    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{app}/data")
    page.wait_for_selector(IDLE, timeout=90_000)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/?$"), timeout=60_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    return page


@pytest.mark.browser
def test_through_the_provider_the_verified_analyst_is_an_importer(browser, app):
    from playwright.sync_api import expect

    page = _signed_in(browser, app, "analyst")
    expect(page.get_by_text(f"Signed in as {ANALYST} (importer and viewer)")).to_be_visible()
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("sub", ATTACKERS)
def test_through_the_provider_an_unverified_or_look_alike_address_sees_nothing(browser, app, sub):
    from playwright.sync_api import expect

    page = _signed_in(browser, app, sub)
    expect(page.get_by_text("who has no role in this app")).to_be_visible()
    assert page.get_by_text("Hotspot map").count() == 0
    assert page.get_by_text("Import files").count() == 0
    page.context.close()
