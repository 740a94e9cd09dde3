"""Small scripts the pages run in the browser (no file-derived text is ever put inside them)."""

from __future__ import annotations

import hashlib
import json
import re

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
HEADER_CLEARANCE_PX = 64
"""Room left above a container scrolled to the top: streamlit's header stays over the page."""


def scroll_into_view_js(container_key: str, nonce: str) -> str:
    """A script that brings the streamlit container `key=container_key` to the top of the window
    (once its content has drawn); `nonce` makes each request a new element, so it runs again."""
    if not _KEY.match(container_key):
        raise ValueError(f"container key {container_key!r} is not a plain identifier")
    token = hashlib.sha256(nonce.encode()).hexdigest()[:12]
    selector = json.dumps(f".st-key-{container_key}")
    return f"""<script data-request="{token}">
setTimeout(function () {{
  var row = document.querySelector({selector});
  if (!row) {{ return; }}
  var top = row.getBoundingClientRect().top;
  row.style.scrollMarginTop = "{HEADER_CLEARANCE_PX}px";  /* below streamlit's fixed header */
  if (top < {HEADER_CLEARANCE_PX} / 2 || top > 2 * {HEADER_CLEARANCE_PX}) {{
    row.scrollIntoView({{block: "start", behavior: "instant"}});
  }}
}}, 400);
</script>"""
