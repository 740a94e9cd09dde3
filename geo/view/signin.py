"""The sign-in screen's note when the page was opened at another host than the one sign-in is
set up for: the provider sends the visitor back to the configured host, whose sign-in cookie
this host never sees, so the page would ask to sign in again without saying why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

CALLBACK = "/oauth2callback"


@dataclass(frozen=True)
class OtherAddress:
    """Where sign-in works, and why this page cannot sign in: plain text, not Markdown."""

    text: str
    url: str
    address: str
    """The configured host and port, as a person types it: '127.0.0.1:8501'."""


def signin_elsewhere(
    page_url: str | None, redirect_uri: str, query: Mapping[str, str] | None = None
) -> OtherAddress | None:
    """The note for a page at `page_url` when its host differs from the host of `[auth]`
    `redirect_uri`, with a link to the same page and `query` there; None when the hosts agree
    or the page's address is not known."""
    if not page_url:
        return None
    page = urlsplit(page_url)
    redirect = urlsplit(redirect_uri.replace("{port}", str(page.port or "")))
    if not page.hostname or not redirect.hostname:
        return None
    if page.hostname.casefold() == redirect.hostname.casefold():
        return None
    root = redirect.path.removesuffix(CALLBACK).rstrip("/")
    path = page.path if page.path.startswith(root + "/") or not root else root + page.path
    url = urlunsplit(
        (redirect.scheme, redirect.netloc, path or "/", urlencode(dict(query or {})), "")
    )
    text = (
        f"Sign-in is set up for the address {redirect.netloc}, but this page was opened at "
        f"{page.netloc}. Signing in here would come back to {redirect.netloc}, so this page "
        f"would keep asking you to sign in. Open the app at {redirect.netloc} instead."
    )
    return OtherAddress(text, url, redirect.netloc)
