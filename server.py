"""The app's server: Streamlit's own (`st.App`), which checks every request before Streamlit sees
it and reads the dataset while it starts.

    streamlit run server.py [streamlit options, e.g. --server.port 8600]

Every request, page, websocket or upload, is answered only when its `Host` is one of this
computer's names or an address and its `Origin` is the app's own (geo.web_requests: a page of
another site that rebinds its name to this computer gets nothing). Uploads are taken only for
sessions whose visitor may change the data, within caps (geo.web_uploads). Streamlit's metrics
are not served, and no page address leaves in a `Referer`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from geo.process import single_blas_thread

single_blas_thread()  # read as numpy loads, which the pages' modules import below

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from geo.web_requests import host_refusal, origin_refusal, own_host_names  # noqa: E402
from geo.web_uploads import UPLOADS  # noqa: E402
from pages._warm_start import import_first_page, network_refusal, warm  # noqa: E402

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

UPLOAD_ROUTE = "/_stcore/upload_file/"
HIDDEN_ROUTES = ("/_stcore/metrics",)
"""Streamlit routes not served: its metrics name caches and count uploaded bytes."""
SECURITY_HEADERS = ((b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff"))
WARM_THREAD = "warm-up"

log = logging.getLogger(__name__)


def _public_names() -> list[object]:
    """The addresses this app is configured to be reached at (beside this computer's names)."""
    names: list[object] = [st.get_option("browser.serverAddress"), st.get_option("server.address")]
    with contextlib.suppress(Exception):  # no secrets file: no sign-in address
        auth = st.secrets.to_dict().get("auth") or {}
        if isinstance(auth, dict):
            names.append(auth.get("redirect_uri"))
    return names


class RequestGuard:
    """ASGI middleware: refuses foreign hosts and origins, anonymous or oversized uploads and
    the metrics route, and adds the security headers to every answer."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self._names: frozenset[str] | None = None

    def names(self) -> frozenset[str]:
        if self._names is None:
            self._names = own_host_names(_public_names())
        return self._names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host")
        refusal = host_refusal(host, self.names()) or origin_refusal(headers.get("origin"), host)
        if scope["type"] == "websocket":
            if refusal:
                log.warning("refused a websocket: %s", refusal)
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        status = 403 if refusal else 404 if path in HIDDEN_ROUTES else None
        if status is None and path.startswith(UPLOAD_ROUTE):
            refusal = self._upload_refusal(path, method, headers)
            status = 403 if refusal else None
        if status is not None:
            await _answer(send, status, refusal or "not found")
            return

        async def secured(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)

    @staticmethod
    def _upload_refusal(path: str, method: str, headers: dict[str, str]) -> str | None:
        """Why an upload request is refused, or None (its session and file from the path)."""
        session, _, file_id = path[len(UPLOAD_ROUTE) :].partition("/")
        if method == "DELETE":
            UPLOADS.release(session, file_id)
            return None
        if method != "PUT":
            return None
        length = headers.get("content-length", "")
        size = int(length) if length.isdigit() else None
        return UPLOADS.admit(session, file_id, size)


async def _answer(send: Send, status: int, text: str) -> None:
    """A plain-text answer, with the security headers."""
    body = f"{text}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})


@contextlib.asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Refuse to start open to the network without sign-in; warm the caches beside the start."""
    refusal = network_refusal()
    if refusal:
        log.error(refusal)
        raise SystemExit(2)
    threading.Thread(target=_warm_logged, name=WARM_THREAD, daemon=True).start()
    yield


def _warm_logged() -> None:
    """The warm-up; any failure is logged, never stops the server."""
    try:
        warm()
    except Exception:  # the page runs the same code and reports its own errors
        log.exception("warm-up failed; the first visit reads the dataset itself")


import_first_page()  # loaded before the server answers, as any server's code
app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(RequestGuard)])

if __name__ == "__main__":
    app.run()
