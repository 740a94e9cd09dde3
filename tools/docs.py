"""The documentation site's generated tables: `python -m geo bench` output kept as JSON under
docs/, and the MkDocs hook (mkdocs.yml `hooks:`) that writes it into a page as a table.

    .venv/bin/python -m geo bench | tee bench.txt              # the full sizes; or --quick
    .venv/bin/python -m tools.docs bench.txt docs/bench/full.json

In a page, a line `<!-- bench-table: bench/full.json -->` (a path under docs/) becomes the
table, its goals met and, for each goal not met, what the bench says it is up against. The saved
JSON keeps what the bench printed, less the machine's load average (a measure of the day the
bench ran, not of the product).

The module imports the standard library only, so the hook loads in any MkDocs build; the app's
rules (settings, the too-few rule) are imported when the hook runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

COLUMNS = ("measure", "result", "compared", "ratio", "target", "met")
"""The bench table's columns (tools.bench.format_table), as the JSON names them."""
HEADINGS = ("measured", "result", "compared with", "ratio", "goal", "met")
MARKER = re.compile(r"^<!--\s*bench-table:\s*(\S+)\s*-->\s*$", re.MULTILINE)
LOAD = re.compile(r",\s*load average [0-9.]+ before|;\s*load [0-9.]+(?:–[0-9.]+)?")
"""The machine's load as the bench notes it (heading, first-paint row): left out of the JSON."""
TARGETS_MET = re.compile(r"^targets met: (\d+) of (\d+)$")
NOT_MET = "NOT MET: "


class BenchOutputError(ValueError):
    """The text is not the table `python -m geo bench` prints."""


def parse_bench(text: str) -> dict[str, Any]:
    """The table `python -m geo bench` printed, as a dict: `command`, `setting` (machine and
    method, without the load), `rows` (one dict per row, COLUMNS; `met` true, false or null;
    `detail` true for a row the bench indents under the one above), `targets_met` / `targets`
    and `not_met` (the bench's sentence for each goal not met)."""
    lines = [line.rstrip() for line in text.splitlines()]
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("python -m geo bench"))
        rule = next(i for i in range(start, len(lines)) if re.fullmatch(r"-+( +-+)*", lines[i]))
    except StopIteration:
        raise BenchOutputError("no `python -m geo bench` table found") from None
    command, _, setting = lines[start].partition(": ")
    starts = [match.start() for match in re.finditer(r"-+", lines[rule])]
    if len(starts) != len(COLUMNS):
        raise BenchOutputError(f"the table has {len(starts)} columns, not {len(COLUMNS)}")
    rows = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        ends = [*starts[1:], None]
        cells = [LOAD.sub("", line[a:b]).strip() for a, b in zip(starts, ends, strict=True)]
        row: dict[str, Any] = dict(zip(COLUMNS, cells, strict=True))
        row["met"] = {"yes": True, "NO": False}.get(cells[-1])
        row["detail"] = line.startswith(" ")  # indented: a detail of the row above
        rows.append(row)
    if not rows:
        raise BenchOutputError("the table has no rows")
    met = total = None
    not_met: list[str] = []
    for line in lines[rule + 1 + len(rows) :]:
        if found := TARGETS_MET.match(line):
            met, total = int(found[1]), int(found[2])
        elif line.startswith(NOT_MET):
            not_met.append(LOAD.sub("", line[len(NOT_MET) :]))
    return {
        "command": command,
        "setting": LOAD.sub("", setting),
        "rows": rows,
        "targets_met": met,
        "targets": total,
        "not_met": not_met,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def render(bench: dict[str, Any], source: str) -> str:
    """Markdown for a saved bench: what ran, the table, the goals met and those not met."""
    verdicts = {True: "yes", False: "**no**", None: ""}
    lines = [
        f"Measured by `{bench['command']}`: {bench['setting']}. Saved as `{source}`.",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    for row in bench["rows"]:
        cells = [_cell(row[c]) for c in COLUMNS[:-1]] + [verdicts[row["met"]]]
        if row.get("detail"):
            cells[0] = f"&emsp;{cells[0]}"
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if bench.get("targets"):
        lines.append(f"Goals met: {bench['targets_met']} of {bench['targets']}.")
    if any(str(row["target"]).endswith("at full size)") for row in bench["rows"]):
        lines.append(
            "Goals in brackets are set for the full sizes (`python -m geo bench`) and are not "
            "judged at these."
        )
    if bench.get("not_met"):
        lines += ["", "Goals not met, with what each is up against:", ""]
        lines += [f"- {_cell(sentence)}" for sentence in bench["not_met"]]
    return "\n".join(lines) + "\n"


def bench_tables(markdown: str, docs_dir: Path) -> str:
    """`markdown` with every bench-table marker replaced by its table."""

    def table(match: re.Match[str]) -> str:
        path = docs_dir / match[1]
        if not path.is_file():
            raise BenchOutputError(f"bench-table: {match[1]} is not a file under {docs_dir}")
        return render(json.loads(path.read_text(encoding="utf-8")), f"docs/{match[1]}")

    return MARKER.sub(table, markdown)


SETTINGS_MARKER = "<!-- settings-table -->"
"""In a page, this line becomes the table of settings made from geo.settings."""
TOO_FEW_MARKER = "<!-- too-few-rule -->"
"""In a page, this becomes the too-few rule in words (geo.analysis.stats.TOO_FEW_RULE), so the
number and its reason are the ones the app uses."""


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: write the saved bench tables, the table of settings and the too-few rule
    into the page."""
    from geo.analysis.stats import TOO_FEW_RULE
    from geo.settings import settings_table

    markdown = markdown.replace(SETTINGS_MARKER, settings_table())
    markdown = markdown.replace(TOO_FEW_MARKER, TOO_FEW_RULE)
    return bench_tables(markdown, Path(config["docs_dir"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.docs",
        description="Keep the output of `python -m geo bench` as JSON for the docs' tables.",
    )
    parser.add_argument("output", help="the saved output of `python -m geo bench` (- for stdin)")
    parser.add_argument("json", type=Path, help="where to keep it, e.g. docs/bench/full.json")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.output == "-" else Path(args.output).read_text("utf-8")
    try:
        bench = parse_bench(text)
    except BenchOutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(bench, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"kept {len(bench['rows'])} rows in {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
