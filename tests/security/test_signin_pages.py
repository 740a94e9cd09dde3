"""Sign-in and roles on the pages under AppTest: the gate, /data for each role, the secure
default without sign-in, and the audit log on /data. (Real sign-in in Chromium against a local
OpenID provider: test_signin_browser.py.)"""

from __future__ import annotations

import ast

import geopandas as gpd
import pytest
from shapely.geometry import box
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.helpers import SIGNIN_AUTH, A, B, month_rows, shown, small_dataset, write_street_csv

AUTH = SIGNIN_AUTH
ACCESS = {"importers": ["ian@force.example"], "viewers": ["@force.example"]}
IAN = {"is_logged_in": True, "email": "ian@force.example", "email_verified": True, "name": "Ian"}
VERA = {"is_logged_in": True, "email": "vera@force.example", "email_verified": True, "name": "Vera"}


@pytest.fixture
def dataset(tmp_path):
    """The small dataset, with hotspot A started after its one patrol visit (a timing shown)."""
    folder = small_dataset(tmp_path / "data")
    gpd.GeoDataFrame(
        {
            "hotspot_id": ["A", "B"],
            "name": ["Hotspot A", "Hotspot B"],
            "town": ["Testtown", "Testtown"],
            "started": ["2024-01-10", None],
        },
        geometry=[box(*A), box(*B)],
        crs="EPSG:4326",
    ).to_file(folder / "hotspots.geojson", driver="GeoJSON")
    return folder


def _app(monkeypatch, folder, user: dict | None, signin: bool = True) -> AppTest:
    monkeypatch.setenv("HOTSPOT_DATA", str(folder))
    monkeypatch.setenv("HOTSPOT_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH if signin else None
    if not signin:
        del at.secrets["auth"]
        at.secrets["unrelated"] = "x"  # a secrets file without [auth]
    at.secrets["access"] = ACCESS
    if user is not None:
        at.user = user
    return at


def _texts(elements) -> str:
    return " ".join(shown(e.value) for e in elements)


def _data_page(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_without_signing_in_every_page_asks_for_sign_in(monkeypatch, dataset):
    for page in ("pages/explore.py", "pages/data.py", "pages/briefing.py"):
        at = _app(monkeypatch, dataset, {"is_logged_in": False}).run()
        at.switch_page(page).run()
        assert not at.exception
        assert "Sign in to see the hotspot map." in _texts(at.info)
        assert [b.label for b in at.button] == ["Sign in"]
        assert not at.dataframe and not at.sidebar.selectbox  # nothing of the data


def test_a_signed_in_user_without_a_role_is_refused_by_name(monkeypatch, dataset):
    eve = {"is_logged_in": True, "email": "eve@elsewhere.example"}
    at = _app(monkeypatch, dataset, eve).run()
    assert "signed in as eve@elsewhere.example, who has no role" in _texts(at.error)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.dataframe


def test_a_viewer_sees_data_quality_but_cannot_import_nor_see_patrol_timings(monkeypatch, dataset):
    at = _data_page(_app(monkeypatch, dataset, VERA))
    assert "Signed in as **vera@force.example** (viewer)" in _texts(at.sidebar.caption)
    assert "needs the importer role" in _texts(at.warning)
    assert all(u.disabled for u in at.get("file_uploader"))
    assert at.button(key="check").disabled
    timings = [d.value for d in at.dataframe if "hotspot_id" in d.value.columns]
    (outside,) = [t for t in timings if "visits" in t.columns]
    assert list(outside["hotspot_id"]) == ["A"]  # the finding is shown ...
    assert not {"first_visit", "last_visit"} & set(outside.columns)  # ... but not when
    assert "shown to importers" in _texts(at.caption)


def test_an_importer_commits_and_the_audit_log_shows_who(monkeypatch, dataset, tmp_path):
    feb = write_street_csv(
        tmp_path / "2024-02-test-street.csv", month_rows("2024-02", 4, missing=1)
    )
    at = _data_page(_app(monkeypatch, dataset, IAN))
    (outside,) = [d.value for d in at.dataframe if "first_visit" in d.value.columns]
    assert str(outside["first_visit"].iloc[0]).startswith("2024-01-02")  # importers see timings
    at.file_uploader(key="up_crimes").set_value([(feb.name, feb.read_bytes(), "text/csv")]).run()
    at.button(key="check").click().run()
    at.button(key="commit").click().run()
    assert not at.exception
    assert (dataset / "crimes/2024-02/2024-02-test-street.csv").is_file()
    (log,) = [d.value for d in at.dataframe if d.value.columns[0] == "time"]
    row = log.iloc[0]
    assert (row["who"], row["how"], row["result"]) == ("ian@force.example", "signed in", "imported")
    assert row["files"] == "2024-02-test-street.csv" and row["rows"] == "crime rows: 5"


@pytest.fixture
def listening_everywhere():
    """The server as Streamlit runs it by default: on every interface."""
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_without_sign_in_a_server_open_to_the_network_refuses_changes(
    monkeypatch, dataset, tmp_path, listening_everywhere
):
    at = _data_page(_app(monkeypatch, dataset, None, signin=False))
    warning = _texts(at.warning)
    assert "sign-in is not configured" in warning and "[auth]" in warning
    assert all(u.disabled for u in at.get("file_uploader"))
    assert "shown to importers" in _texts(at.caption)
    assert not at.sidebar.caption  # no one is signed in
    assert at.button(key="check").disabled


def test_without_sign_in_this_computer_may_import(monkeypatch, dataset):
    assert config.get_option("server.address") == "localhost"  # .streamlit/config.toml
    at = _data_page(_app(monkeypatch, dataset, None, signin=False))
    assert not at.warning
    assert not any(u.disabled for u in at.get("file_uploader"))


def test_a_broken_sign_in_set_up_keeps_the_app_closed(monkeypatch, dataset):
    at = _app(monkeypatch, dataset, IAN)
    at.secrets["auth"] = {**AUTH, "cookie_secret": "short"}
    at.run()
    assert "Sign-in is set up wrongly, so the app stays closed" in _texts(at.error)
    assert "cookie_secret is shorter" in _texts(at.error)
    assert not at.dataframe


def _uses_streamlit_or_data(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id in {"st", "current_dataset", "last_good_dataset"})
        for n in ast.walk(node)
    )


@pytest.mark.parametrize(
    "page", sorted(p.name for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
)
def test_every_page_passes_the_gate_before_it_draws_or_reads_data(page):
    """app.py alone cannot guard: the first request after a start runs the page file directly."""
    body = ast.parse((ROOT / "pages" / page).read_text()).body
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
            continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "gate":
            return
        assert not _uses_streamlit_or_data(statement), (
            f"pages/{page} line {statement.lineno} runs before gate()"
        )
    pytest.fail(f"pages/{page} never calls gate()")


def test_a_name_from_the_provider_is_shown_as_text_not_markdown(monkeypatch, dataset):
    phisher = {"is_logged_in": True, "email": "[sign in again](https://evil.example/x)"}
    at = _app(monkeypatch, dataset, phisher)
    at.secrets["access"] = {"viewers": ["*"]}
    at.run()
    (caption,) = at.sidebar.caption
    assert "](" not in caption.value.replace("\\]\\(", "")  # no link can form
    assert shown(caption.value) == (
        "Signed in as **[sign in again](https://evil.example/x)** (viewer)"
    )
