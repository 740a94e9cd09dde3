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


def fit_to_window_js(container_key: str, least: int, most: int, gap: int = 8) -> str:
    """A script that sizes the frame inside the streamlit container `key=container_key` to reach
    from where it starts to `gap` px above the window's foot, between `least` and `most` px: on a
    laptop the map and the legend at its foot are on the first screen, on a large screen the map
    is `most` high. Kept up to date as the window and the content above the frame change."""
    if not _KEY.match(container_key):
        raise ValueError(f"container key {container_key!r} is not a plain identifier")
    selector = json.dumps(f".st-key-{container_key} iframe")
    flag = json.dumps(f"fitToWindow-{container_key}")
    return f"""<script>
(function () {{
  function fit() {{
    var frame = document.querySelector({selector});
    if (!frame) {{ return; }}
    var scroller = document.querySelector('[data-testid="stMain"]');
    var top = frame.getBoundingClientRect().top + (scroller ? scroller.scrollTop : 0);
    var height = Math.round(Math.min({most}, Math.max({least}, window.innerHeight - top - {gap})));
    if (frame.style.height !== height + "px") {{
      frame.style.setProperty("height", height + "px", "important");
    }}
  }}
  var state = window[{flag}] || (window[{flag}] = {{observer: new ResizeObserver(fit)}});
  var content = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!state.installed) {{
    state.installed = true;
    window.addEventListener("resize", fit);
  }}
  if (content && state.content !== content) {{  /* a page drawn anew: watch its content */
    state.observer.disconnect();
    state.observer.observe(content);
    state.content = content;
  }}
  fit();
}})();
</script>"""
