"""Text from files, links and errors made safe for the browser: paths hidden, markup escaped."""

from pathlib import Path

from geo.view.shown import html_text, markdown_text, without_server_paths

PHISHING = "<a href='https://evil.example/login' style='position:fixed;inset:0'>Sign in again</a>"


def test_text_helpers_hide_paths_and_escape():
    folder = Path("/srv/hotspots/data")
    message = "/srv/hotspots/data/crimes/2024-01/x.csv: bad; lock /srv/hotspots/.data.lock"
    assert without_server_paths(message, folder) == "crimes/2024-01/x.csv: bad; lock .data.lock"
    assert "/tmp" not in without_server_paths("/tmp/hotspot-upload-x1/hotspots/0/h.kml: bad")
    assert without_server_paths("see https://example.org/a/b") == "see https://example.org/a/b"
    assert html_text(PHISHING).startswith("&lt;a href=")
    assert "\\:material/lock\\:" in markdown_text(":material/lock:")


def test_markdown_markup_is_shown_as_written():
    for markup in ("**bold**", "![x](https://evil.example/x.png)", "[a](https://x)", "$x^2$"):
        escaped = markdown_text(markup)
        assert all(f"\\{c}" in escaped for c in set(markup) & set("*![]()$^"))


def test_the_folder_is_named_by_its_own_name(tmp_path):
    folder = tmp_path / "force-data"
    folder.mkdir()
    assert without_server_paths(f"{folder}/patrols.csv row 3", folder) == "patrols.csv row 3"
    assert without_server_paths(f"no data in {folder}", folder) == "no data in force-data"
    assert str(tmp_path) not in html_text(f"{folder}/x.csv: <b>", folder)
