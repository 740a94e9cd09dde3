"""Sign-in in Chromium against a real OpenID Connect provider started here (oidc-provider-mock on
a free local port): sign in, sign out, a viewer cannot commit, an importer commits and is named
in the audit log, and screen tokens open the wall screen until revoked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from geo.store.folder.audit import AUDIT_FILE
from geo.store.folder.tokens import create_token, revoke_token
from tests.helpers import month_rows, oidc_provider, signin_secrets, small_dataset, write_street_csv

pytestmark = pytest.mark.browser

USERS = {
    "ian": {"email": "ian@force.example", "name": "Ian Importer", "roles": ["importer"]},
    "vera": {"email": "vera@force.example", "name": "Vera Viewer", "roles": ["viewer"]},
    "eve": {"email": "eve@elsewhere.example", "name": "Eve"},
}
ACCESS_TOML = """
[access]
roles_claim = "roles"
"""


@pytest.fixture(scope="module")
def provider() -> str:
    """A real OpenID provider on a free port, with the test users' claims; its URL."""
    with oidc_provider(USERS) as url:
        yield url


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return small_dataset(tmp_path_factory.mktemp("signin") / "data")


@pytest.fixture(scope="module")
def app(provider, dataset) -> str:
    """The app with sign-in through `provider` (secrets written for this server only)."""
    from tools.app_server import app_server, free_port

    port = free_port()
    secrets = signin_secrets(port, provider, ACCESS_TOML)
    with app_server(dataset, tiles="none", secrets=secrets, port=port) as url:
        yield url


def _idle(page) -> None:
    from tests.browser_support import IDLE

    page.wait_for_selector(IDLE, timeout=90_000)


def _open(browser, url: str):
    """A page in a fresh browser context (its own cookies: a different person's browser)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url)
    _idle(page)
    return page


def _sign_in(page, sub: str) -> None:
    """Press Sign in, authorise as `sub` at the provider, and come back signed in."""
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/?$"), timeout=60_000)
    _idle(page)


def test_sign_in_as_importer_commit_and_sign_out(browser, app, dataset, tmp_path):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS

    page = _open(browser, f"{app}/data")
    expect(page.get_by_text("Sign in to see the hotspot map.")).to_be_visible()
    assert page.get_by_text("Import files").count() == 0
    _sign_in(page, "ian")
    expect(page.get_by_text("Signed in as ian@force.example (importer and viewer)")).to_be_visible()

    page.goto(f"{app}/data")
    _idle(page)
    good = write_street_csv(tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 3))
    page.locator("[data-testid=stFileUploader] input[type=file]").nth(1).set_input_files(str(good))
    expect(page.get_by_role("button", name="Check files")).to_be_enabled()
    _idle(page)
    page.get_by_role("button", name="Check files").click()
    page.get_by_role("button", name="Commit to the dataset").click()
    page.get_by_text("Imported. The map now shows the new data.").wait_for(timeout=60_000)
    _idle(page)
    expect(page.get_by_text("ian@force.example").first).to_be_visible()  # the audit log
    page.screenshot(path=str(ARTIFACTS / "signin-importer-committed.png"), full_page=True)
    (record,) = [json.loads(line) for line in (dataset / AUDIT_FILE).read_text().splitlines()]
    assert (record["who"], record["how"], record["result"]) == (
        "ian@force.example",
        "signed in",
        "imported",
    )
    assert record["files"][0]["name"] == good.name

    page.get_by_role("button", name="Sign out").click()
    end_session = page.get_by_role("button", name="End session")  # the provider's own page
    end_session.wait_for(timeout=60_000)
    end_session.click()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/?$"), timeout=60_000)
    _idle(page)
    expect(page.get_by_text("Sign in to see the hotspot map.")).to_be_visible()
    page.goto(f"{app}/data")
    _idle(page)
    expect(page.get_by_text("Sign in to see the hotspot map.")).to_be_visible()
    assert page.get_by_text("Import files").count() == 0
    page.context.close()


def test_a_viewer_cannot_commit_and_a_user_without_a_role_sees_nothing(browser, app):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS

    page = _open(browser, app)
    _sign_in(page, "vera")
    page.goto(f"{app}/data")
    _idle(page)
    expect(page.get_by_text("needs the importer role")).to_be_visible()
    uploads = page.locator("[data-testid=stFileUploader] input[type=file]")
    uploaders = ("hotspots", "crimes", "patrols", "GPS pings")
    expect(uploads).to_have_count(len(uploaders), timeout=30_000)  # drawn after the warning
    for index in range(len(uploaders)):
        expect(uploads.nth(index)).to_be_disabled()
    expect(page.get_by_role("button", name="Check files")).to_be_disabled()
    assert page.get_by_role("button", name="Commit to the dataset").count() == 0
    expect(
        page.get_by_text("The log of changes to the data is shown to importers.")
    ).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "signin-viewer-data.png"), full_page=True)
    page.context.close()

    page = _open(browser, app)
    _sign_in(page, "eve")
    expect(page.get_by_text("eve@elsewhere.example, who has no role in this app")).to_be_visible()
    assert page.get_by_text("Hotspot map").count() == 0
    page.context.close()


def test_a_screen_token_opens_the_wall_until_revoked(browser, app, dataset):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS

    token = create_token(dataset, "briefing room")
    page = _open(browser, f"{app}/briefing?screen={token}&refresh=5")
    expect(page.locator(".wall-title")).to_be_visible()
    assert page.get_by_role("button", name="Sign in").count() == 0
    page.screenshot(path=str(ARTIFACTS / "signin-screen-token.png"))

    for elsewhere in ("data", ""):  # the token opens the wall only
        other = _open(browser, f"{app}/{elsewhere}?screen={token}")
        expect(other.get_by_text("Sign in to see the hotspot map.")).to_be_visible()
        assert other.get_by_text("Import files").count() == 0
        other.context.close()

    revoke_token(dataset, "briefing room")  # the open screen closes at its next refresh
    expect(page.get_by_text("This screen link is not valid")).to_be_visible(timeout=30_000)
    expect(page.locator(".wall-title")).to_have_count(0)
    page.context.close()

    for wrong in (token, token[:-2] + "xx", "not-a-token"):
        page = _open(browser, f"{app}/briefing?screen={quote(wrong)}")
        expect(page.get_by_text("This screen link is not valid")).to_be_visible()
        expect(page.locator(".wall-title")).to_have_count(0)
        page.context.close()


def test_a_secrets_file_that_cannot_be_read_keeps_every_page_closed(browser, dataset):
    from playwright.sync_api import expect

    from tools.app_server import app_server

    broken = '[auth\nredirect_uri = "https://patrols.example/oauth2callback"\n'
    with app_server(dataset, tiles="none", secrets=broken) as url:
        for path in ("data", "", "briefing"):
            page = _open(browser, f"{url}/{path}")
            expect(page.get_by_text("secrets.toml cannot be read")).to_be_visible()
            assert page.get_by_text("Import files").count() == 0
            expect(page.locator(".wall-title")).to_have_count(0)
            page.context.close()


def test_without_sign_in_a_visit_through_a_proxy_cannot_change_the_data(browser, tmp_path):
    """The server listens on this computer only, but a reverse proxy in front of it would let
    anyone in: a request carrying a proxy header is treated as coming from elsewhere."""
    from playwright.sync_api import expect

    from tools.app_server import app_server

    folder = small_dataset(tmp_path / "data")
    with app_server(folder, tiles="none") as url:
        context = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.9"})
        page = context.new_page()
        page.goto(f"{url}/data")
        _idle(page)
        expect(page.get_by_text("sign-in is not configured")).to_be_visible()
        expect(page.get_by_role("button", name="Check files")).to_be_disabled()
        context.close()
        page = _open(browser, f"{url}/data")  # the same server, from this computer directly
        expect(page.get_by_text("Import files")).to_be_visible()
        assert page.get_by_text("sign-in is not configured").count() == 0
        page.context.close()
