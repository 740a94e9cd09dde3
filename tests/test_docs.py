"""The documentation: the README stays short, every page of docs/ is in the site's nav, the text
speaks of the product (no issue numbers, no history of how it was made, no benchmark diary), and
the performance page's tables come from saved bench output (tools/docs.py).

`make test` also builds the site with `mkdocs build --strict`, so a broken link or anchor fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tools.bench import Row, format_table
from tools.docs import BenchOutputError, bench_tables, main, parse_bench, render

DOCS = ROOT / "docs"
README = ROOT / "README.md"
CHANGELOG = ROOT / "CHANGELOG.md"
README_MOST_LINES = 250
HISTORY = {
    r"(?<![\w&/])#\d+\b": "an issue or pull-request number",
    r"\b(?:issue|ticket|pr|pull request)s?\s+#?\d+": "an issue number",
    r"\btickets?\b": "a ticket",
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|previous|last|"
    r"earlier|later|next|this|that|our|my|\d+(?:st|nd|rd|th)?)\s+(?:\w+\s+)?sessions?\b": (
        "a session as history"
    ),
    r"\bsessions?\s+\d+": "a numbered session",
    r"\bload(?: average)?\s+\d": "the machine's load during a run (a benchmark diary)",
    r"\btried and dropped\b": "what was tried (a benchmark diary)",
}
"""Phrases that tell the history of the work rather than the product. "Session" stays allowed
where it is the product's (a browser session, sticky sessions)."""


CODE_HISTORY = {pattern: why for pattern, why in HISTORY.items() if not pattern.startswith("(?<!")}
"""The same phrases in code, where `#` followed by digits is a colour or a comment, not a number."""
CODE_SUFFIXES = {".py", ".js", ".css", ".html", ".sql", ".toml", ".yml", ".txt", ".cfg", ""}


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def texts() -> list[Path]:
    return [README, CHANGELOG, *pages()]


def nav_pages(entries: object) -> list[str]:
    """The page files named anywhere in a MkDocs nav (nested sections included)."""
    if isinstance(entries, str):
        return [] if "://" in entries else [entries]
    if isinstance(entries, list):
        return [page for entry in entries for page in nav_pages(entry)]
    if isinstance(entries, dict):
        return [page for value in entries.values() for page in nav_pages(value)]
    return []


def mkdocs_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MOST_LINES, f"README.md has {len(lines)} lines"


@pytest.mark.parametrize("path", texts(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_text_speaks_of_the_product_not_its_history(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {match[0]!r} ({why})"
        for pattern, why in HISTORY.items()
        for match in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]
    assert not found, "\n".join(found)


def tracked_code() -> list[Path]:
    """The repository's own code and settings files (this test's examples left out)."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    paths = [ROOT / name for name in listed if not name.startswith("docs/")]
    return [
        path
        for path in paths
        if path.suffix in CODE_SUFFIXES and path.is_file() and path != Path(__file__)
    ]


@pytest.mark.skipif(
    not (ROOT / ".git").exists(), reason="not a git checkout: no list of tracked files"
)
def test_the_code_speaks_of_the_product_not_its_history():
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}: {match[0]!r}"
        for path in tracked_code()
        for text in [path.read_text(encoding="utf-8")]
        for pattern, why in CODE_HISTORY.items()
        for match in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]
    assert len(tracked_code()) > 100, "the list of tracked files is not what it should be"
    assert not found, "\n".join(found)


HISTORY_EXAMPLES = (
    "fixed in {hash}{number} | issue {number}'s goal | see tick"
    "et | the seventh {session}'s bench"
    " | in this {session} | {session} 3 | at {load} 2.6 | {load} average 10–11"
    " | Tried and dropp"
    "ed, measured:"
)
"""Phrases the check must flag, kept in pieces so that this file does not itself tell a history."""


def test_the_history_check_catches_history_and_spares_the_product():
    def flagged(text: str) -> bool:
        return any(re.search(p, text, flags=re.IGNORECASE) for p in HISTORY)

    examples = HISTORY_EXAMPLES.format(hash="#", number="42", session="session", load="load")
    for history in examples.split(" | "):
        assert flagged(history), history
    for product in ("a browser session's first run", "sticky sessions", "one session holds at "
                    "most 2 GiB", "colour #2166ac", "evaluation.md#how-to-read-the-evaluation",
                    "the app's dataset load"):  # fmt: skip
        assert not flagged(product), product


def test_every_page_is_in_the_nav_and_every_nav_entry_is_a_page():
    listed = nav_pages(mkdocs_config()["nav"])
    present = [str(path.relative_to(DOCS)) for path in pages()]
    assert sorted(set(present) - set(listed)) == [], "pages missing from the nav of mkdocs.yml"
    assert sorted(set(listed) - set(present)) == [], "nav entries without a page"
    assert len(listed) == len(set(listed)), "a page listed twice"


def test_the_site_needs_nothing_from_elsewhere_to_be_read():
    config = mkdocs_config()
    assert config["theme"]["name"] == "material"
    assert config["theme"]["font"] is False  # no Google Fonts
    for key in ("extra_javascript", "extra_css"):
        assert not [item for item in config.get(key, []) if "://" in str(item)], key
    assert str(ROOT / config["site_dir"]).startswith(str(ROOT))
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{config['site_dir'].strip('/')}/" in ignored, "the built site is not ignored by git"


def test_the_docs_packages_are_pinned():
    pins = dict(
        line.split("==")
        for line in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert {"mkdocs", "mkdocs-material"} <= pins.keys()


def test_the_readmes_links_lead_to_files_that_exist():
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    assert any(target.startswith("docs/") for target in targets)
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert missing == []


# --- tools/docs.py: the bench table -------------------------------------------------------------

ROWS = [
    Row("geo summary, 1,000 rows × 10 hotspots", "0.90 s", "naive script 2.25 s", "0.40×",
        "≤ 0.3×", False, why="the start-up floor takes 0.46 s"),
    Row("  CPU time of geo summary (user + system, all threads)", "1.21 s",
        "over 2 cores at least 0.61 s", target="reported"),
    Row("map payload, 10 hotspots × 65 vertices", "0.60 MB", "folium GeoJson 3.23 MB", "0.18×",
        "(≤ 0.25× at full size)"),
    Row("first painted polygon (chromium, sample)", "1.33 s first visit, 1.18 s later",
        "7 starts, first 1.30–1.48 s; the app answers 3.30 s after it is started; load 1.70–3.80",
        target="≤ 2.0 s first visit, ≤ 1.2 s later", met=True),
    Row("a | in a cell", "1 of 1", target="all", met=True),
]  # fmt: skip
HEADING = (
    "python -m geo bench: 2 cores, 24 GiB, Python 3.11.7, load average 2.60 before; whole "
    "processes, medians of 7 runs (2 at the national size)"
)


def test_the_bench_table_is_read_back_as_printed_without_the_load():
    bench = parse_bench("bench: generating…\n" + format_table(ROWS, HEADING) + "\n")
    assert bench["command"] == "python -m geo bench"
    assert bench["setting"] == (
        "2 cores, 24 GiB, Python 3.11.7; whole processes, medians of 7 runs (2 at the national "
        "size)"
    )
    assert [row["measure"] for row in bench["rows"]] == [row.measure.strip() for row in ROWS]
    assert [row["detail"] for row in bench["rows"]] == [False, True, False, False, False]
    assert [row["met"] for row in bench["rows"]] == [row.met for row in ROWS]
    assert bench["rows"][0] | {"detail": False} == {
        "measure": "geo summary, 1,000 rows × 10 hotspots", "result": "0.90 s",
        "compared": "naive script 2.25 s", "ratio": "0.40×", "target": "≤ 0.3×", "met": False,
        "detail": False,
    }  # fmt: skip
    assert bench["rows"][3]["compared"].endswith("3.30 s after it is started")
    assert (bench["targets_met"], bench["targets"]) == (2, 3)
    assert bench["not_met"] == [
        "geo summary, 1,000 rows × 10 hotspots: 0.90 s, 0.40× where the goal is ≤ 0.3× (the "
        "start-up floor takes 0.46 s)"
    ]
    assert not re.search(r"\bload\b", json.dumps(bench))


def test_the_table_is_markdown_with_a_row_per_measure():
    bench = parse_bench(format_table(ROWS, HEADING))
    lines = render(bench, "docs/bench/x.json").splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == len(ROWS) + 2
    assert table[3].startswith("| &emsp;CPU time of geo summary")
    assert "a \\| in a cell" in table[-1]
    assert all(len(re.split(r"(?<!\\)\|", line)) == 8 for line in table)  # 6 cells
    assert "Goals met: 2 of 3." in lines
    assert any(line.startswith("- geo summary, 1,000 rows") for line in lines)


def test_a_marker_in_a_page_becomes_the_saved_table(tmp_path):
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "x.json").write_text(json.dumps(parse_bench(format_table(ROWS, HEADING))))
    page = "# Performance\n\n<!-- bench-table: bench/x.json -->\n\nAfter.\n"
    written = bench_tables(page, tmp_path)
    assert "<!--" not in written and "| measured | result |" in written
    assert written.startswith("# Performance\n") and written.endswith("After.\n")
    with pytest.raises(BenchOutputError, match="missing.json"):
        bench_tables("<!-- bench-table: missing.json -->", tmp_path)


def test_the_saved_bench_output_renders():
    for saved in sorted((DOCS / "bench").glob("*.json")):
        bench = json.loads(saved.read_text(encoding="utf-8"))
        text = render(bench, f"docs/bench/{saved.name}")
        assert all(row["measure"] in text for row in bench["rows"])


def test_the_command_keeps_bench_output_as_json(tmp_path, capsys):
    output = tmp_path / "bench.txt"
    output.write_text(format_table(ROWS, HEADING), encoding="utf-8")
    kept = tmp_path / "docs" / "bench" / "full.json"
    assert main([str(output), str(kept)]) == 0
    assert json.loads(kept.read_text(encoding="utf-8")) == parse_bench(output.read_text("utf-8"))
    output.write_text("not a bench table\n", encoding="utf-8")
    assert main([str(output), str(kept)]) == 2
    assert "no `python -m geo bench` table" in capsys.readouterr().err
