"""The data page's check says, before anything is committed, what the commit will lead to: months
that will be flagged as anomalous, pings that will not be counted; and a commit empties the
uploaders, so the same files cannot be committed twice."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.load import load_dataset
from tests.check_months import (
    month_of_crime,
    repeated_burglaries,
    street_file,
    three_month_dataset,
)
from tests.helpers import IN_A, run_data_page, shown_texts


@pytest.fixture
def three_months(tmp_path):
    folder = three_month_dataset(tmp_path / "data")
    assert load_dataset(folder).anomalies == ()
    return folder


def _check(at: AppTest, uploader: str, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader(key=uploader).set_value([(n, d, "text/csv") for n, d in files]).run()
    at.button(key="check").click().run()
    assert not at.exception and not at.error
    return at


def _status_labels(at: AppTest) -> list[str]:
    """The labels of the page's status boxes (the check's outcome)."""
    return [block.proto.label for block in _blocks(at.main) if type(block).__name__ == "Status"]


def _blocks(node) -> list:
    children = list(getattr(node, "children", {}).values())
    return children + [block for child in children for block in _blocks(child)]


def test_a_month_without_asb_is_named_in_the_check_before_the_commit(
    monkeypatch, three_months, tmp_path
):
    april = street_file(tmp_path, "2024-04", month_of_crime("2024-04", asb=0))
    at = _check(
        run_data_page(monkeypatch, three_months), "up_crimes", [(april.name, april.read_bytes())]
    )
    assert "Checked: ready to commit; 1 month will be flagged as anomalous once committed" in (
        _status_labels(at)
    )
    (flagged,) = [w for w in shown_texts(at.warning) if "flagged as anomalous" in w]
    assert flagged.startswith("**Once committed, 1 month will be flagged as anomalous.**")
    assert "2024-04 Anti-social behaviour: none recorded" in flagged
    assert "left out of the ASB and the all-crime figures" in flagged
    assert not (three_months / "crimes" / "2024-04").exists()  # nothing committed yet


def test_a_month_of_repeated_rows_is_named_with_the_figures_it_leaves(
    monkeypatch, three_months, tmp_path
):
    april = repeated_burglaries(street_file(tmp_path, "2024-04", month_of_crime("2024-04")))
    at = _check(
        run_data_page(monkeypatch, three_months), "up_crimes", [(april.name, april.read_bytes())]
    )
    (flagged,) = [w for w in shown_texts(at.warning) if "flagged as anomalous" in w]
    assert "2024-04 Burglary: 97% of rows are exact duplicates" in flagged
    assert "left out of the all-crime figures" in flagged
    assert "ASB and the all-crime" not in flagged


def test_an_ordinary_month_is_ready_to_commit_without_a_flag(monkeypatch, three_months, tmp_path):
    april = street_file(tmp_path, "2024-04", month_of_crime("2024-04"))
    at = _check(
        run_data_page(monkeypatch, three_months), "up_crimes", [(april.name, april.read_bytes())]
    )
    assert "Checked: ready to commit" in _status_labels(at)
    assert not [w for w in shown_texts(at.warning) if "flagged" in w]


def test_after_a_commit_the_uploaders_are_empty_and_check_is_off(
    monkeypatch, three_months, tmp_path
):
    april = street_file(tmp_path, "2024-04", month_of_crime("2024-04"))
    at = _check(
        run_data_page(monkeypatch, three_months), "up_crimes", [(april.name, april.read_bytes())]
    )
    at.button(key="commit").click().run()
    assert not at.exception
    assert any("Imported." in s for s in shown_texts(at.success))
    assert all(not uploader.value for uploader in at.file_uploader)
    assert at.button(key="check").disabled
    assert not [b for b in at.button if b.key == "commit"]
    may = street_file(
        tmp_path, "2024-05", month_of_crime("2024-05")
    )  # the next round of uploads works
    (crimes,) = [u for u in at.file_uploader if u.label == "police.uk crime files"]
    crimes.set_value([(may.name, may.read_bytes(), "text/csv")]).run()
    at.button(key="check").click().run()
    at.button(key="commit").click().run()
    assert not at.exception and not at.error
    assert (three_months / "crimes" / "2024-05" / may.name).is_file()


def _pings(skipped: int = 0) -> bytes:
    lines = ["officer_id,timestamp,longitude,latitude"]
    lines += [f"PC 4411,2024-01-02T10:{m:02d}:00Z,{IN_A[0]},{IN_A[1]}" for m in range(20)]
    lines += [f"PC 4411,2024-01-02T11:{m:02d}:00Z,," for m in range(skipped)]
    return ("\n".join(lines) + "\n").encode()


def test_pings_are_counted_without_those_skipped_and_words_have_no_brackets(
    monkeypatch, three_months
):
    at = _check(
        run_data_page(monkeypatch, three_months), "up_pings", [("jan.csv", _pings(skipped=1))]
    )
    assert "GPS pings: 20 in 1 file" in shown_texts(at.subheader)
    assert any("1 ping without a position is stored as given" in c for c in shown_texts(at.caption))
    (listed,) = [d.value for d in at.dataframe if d.value.columns[0] == "file"]
    assert listed[["pings", "skipped (no position)"]].values.tolist() == [[20, 1]]
    assert any(w.startswith("1 warning: the import can go ahead; read it first") for w in (
        shown_texts(at.warning)
    ))  # fmt: skip
    (findings,) = [d.value for d in at.dataframe if d.value.columns[0] == "level"]
    assert findings["row"].tolist() == [""]  # a finding about the whole file: no row, not None
    page_text = " ".join(
        shown_texts(at.subheader) + shown_texts(at.warning) + shown_texts(at.caption)
    )
    assert "(s)" not in page_text


@pytest.mark.browser
def test_in_a_browser_the_check_names_the_flag_and_a_commit_empties_the_uploaders(
    browser, three_months, tmp_path
):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS, IDLE, open_page
    from tools.app_server import app_server

    april = street_file(tmp_path, "2024-04", month_of_crime("2024-04", asb=0))
    with app_server(three_months) as url:
        page, _ = open_page(browser, f"{url}/data")
        page.locator(".st-key-up_crimes input[type=file]").set_input_files(str(april))
        check = page.get_by_role("button", name="Check files")
        expect(check).to_be_enabled()
        page.wait_for_selector(IDLE)
        check.click()
        page.get_by_text("Once committed, 1 month will be flagged as anomalous.").wait_for(
            timeout=60_000
        )
        page.wait_for_selector(IDLE)
        assert page.get_by_text("2024-04 Anti-social behaviour: none recorded").count() == 1
        page.screenshot(path=str(ARTIFACTS / "data-check-flagged.png"), full_page=True)
        page.get_by_role("button", name="Commit to the dataset").click()
        page.get_by_text("Imported. The map now shows the new data.").wait_for(timeout=60_000)
        page.wait_for_selector(IDLE)
        assert page.locator("[data-testid=stFileUploaderFile]").count() == 0
        expect(page.get_by_role("button", name="Check files")).to_be_disabled()
        assert page.get_by_role("button", name="Commit to the dataset").count() == 0
        page.get_by_role("heading", name="Import files").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "data-after-commit.png"))
        page.close()
