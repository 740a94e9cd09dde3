"""Text from files, links and errors made safe for each place it is shown in the browser.

Every message built from input is escaped for the element that shows it: HTML for `st.html`,
Markdown for Streamlit's text elements (where `**`, `![x](…)`, links, `$…$` and `:material/…:`
shortcodes would otherwise be obeyed). Server paths are never shown: the dataset folder is named
by its own name, and any other absolute path (a temporary upload, the lock file) by its last part.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:=^&])")
_ABSOLUTE_PATH = re.compile(r"(?<![\w:/.\\-])(?:/[^\s/'\"(),;!]+)+/?")


def without_server_paths(text: object, folder: Path | None = None) -> str:
    """`text` with the dataset folder shown by its name and other absolute paths by their last
    part (a file name), so the browser never learns the server's layout."""
    shown = str(text)
    if folder is not None:
        for place in sorted({str(folder.resolve()), str(folder.absolute())}, key=len, reverse=True):
            shown = shown.replace(place + "/", "").replace(place, folder.resolve().name)
    return _ABSOLUTE_PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1], shown)


def markdown_text(text: object, folder: Path | None = None) -> str:
    """Text for an element that renders Markdown: paths hidden, every markup character escaped."""
    return _MARKDOWN.sub(r"\\\1", without_server_paths(text, folder))


def html_text(text: object, folder: Path | None = None) -> str:
    """Text for `st.html`: paths hidden, HTML escaped (no tag, link or style can be injected)."""
    return escape(without_server_paths(text, folder))
