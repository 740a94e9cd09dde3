"""Sign-in set up for one host and the app opened at another (127.0.0.1 and localhost): the
sign-in screen says so, with a link to the configured address, instead of sending the visitor
round to "Sign in" again without a word."""

from __future__ import annotations

import pytest

from geo.view.signin import signin_elsewhere
from tests.helpers import signin_secrets, small_dataset


def test_another_host_is_named_with_a_link_to_the_same_page_there():
    other = signin_elsewhere(
        "http://localhost:8501/briefing", "http://127.0.0.1:8501/oauth2callback", {"town": "Heanor"}
    )
    assert other is not None
    assert other.url == "http://127.0.0.1:8501/briefing?town=Heanor"
    assert other.address == "127.0.0.1:8501"
    assert "set up for the address 127.0.0.1:8501" in other.text
    assert "opened at localhost:8501" in other.text


def test_the_same_host_or_an_unknown_address_says_nothing():
    redirect = "https://patrols.example.org/oauth2callback"
    assert signin_elsewhere("https://PATROLS.example.org/data", redirect) is None
    assert signin_elsewhere(None, redirect) is None
    assert signin_elsewhere("", redirect) is None


def test_a_port_left_to_the_server_takes_the_pages_port():
    other = signin_elsewhere("http://localhost:8502/", "http://127.0.0.1:{port}/oauth2callback")
    assert other is not None and other.url == "http://127.0.0.1:8502/"


def test_an_app_under_a_path_keeps_it():
    other = signin_elsewhere(
        "https://10.0.0.5/hotspots/data", "https://patrols.example.org/hotspots/oauth2callback"
    )
    assert other is not None and other.url == "https://patrols.example.org/hotspots/data"


@pytest.mark.browser
def test_in_a_browser_localhost_is_told_to_use_the_configured_address(browser, tmp_path):
    from tests.browser_support import ARTIFACTS, IDLE, open_page
    from tools.app_server import app_server, free_port

    port = free_port()
    secrets = signin_secrets(port, provider="http://127.0.0.1:9", access_toml="")
    with app_server(small_dataset(tmp_path / "data"), secrets=secrets, port=port) as url:
        page, _ = open_page(browser, f"http://localhost:{port}/data")
        warning = page.get_by_text("Sign-in is set up for the address")
        warning.wait_for(timeout=30_000)
        assert f"opened at localhost:{port}" in warning.inner_text()
        link = page.get_by_role("link", name=f"Open 127.0.0.1:{port}")
        assert link.get_attribute("href") == f"http://127.0.0.1:{port}/data"
        page.screenshot(path=str(ARTIFACTS / "signin-other-address.png"))
        page.close()
        page, _ = open_page(browser, f"{url}/data")  # at the configured address: no note
        page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
        page.wait_for_selector(IDLE)
        assert page.get_by_text("Sign-in is set up for the address").count() == 0
        page.close()
