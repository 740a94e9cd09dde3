"""Sign-in on the pages: who the visitor is, the gate every page passes, the sign-out control.

Streamlit's own `st.login`, `st.user` and `st.logout` (OpenID Connect through Authlib) sign people
in; the rules — roles, screen tokens, who may change the data — are geo.access and
geo.store.screen_tokens.

Every page calls `gate()` before it draws anything. app.py cannot guard the pages alone: on the
first request after the server starts, Streamlit runs the requested file in pages/ directly,
without app.py (its older pages-folder mode, until some run calls `st.navigation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.access import (
    AccessRules,
    Visitor,
    commit_refusal,
    signed_in_visitor,
    signin_configured,
    view_refusal,
    visitor_without_signin,
)
from geo.app.configured import data_store
from geo.errors import HotspotDataError
from geo.store.screen_tokens import TOKEN_PARAM
from geo.view.signin import signin_elsewhere
from geo.web_requests import only_this_computer
from geo.web_uploads import UPLOADS
from pages._common import plain


def _closed(message: str) -> None:
    """Say why the app stays closed, and stop the run."""
    st.error(message)
    st.stop()


def _secrets() -> Mapping[str, Any]:
    """The app's secrets; an unreadable secrets file keeps the app closed (never open)."""
    if st.secrets.load_if_toml_exists():
        return st.secrets.to_dict()
    if any(Path(p).is_file() for p in st.get_option("secrets.files")):
        _closed(
            "The app's secrets.toml cannot be read (a mistake in its TOML?), so sign-in cannot "
            "be checked and the app stays closed until it is fixed."
        )
    return {}


def signin_on() -> bool:
    """Whether sign-in is configured; a broken set-up keeps the app closed, saying why."""
    try:
        return signin_configured(_secrets())
    except HotspotDataError as exc:
        _closed(f"Sign-in is set up wrongly, so the app stays closed. {plain(exc)}")
        raise


def _rules() -> AccessRules:
    try:
        return AccessRules.from_secrets(_secrets())
    except HotspotDataError as exc:
        _closed(f"The access settings are wrong, so the app stays closed. {plain(exc)}")
        raise


def current_visitor() -> Visitor:
    """Who is using the app, with their roles; the server takes uploads from this browser tab
    only when they may change the data."""
    visitor = _visitor()
    session = get_script_run_ctx()
    if session is not None:
        if visitor.is_importer:
            UPLOADS.allow(session.session_id)
        else:
            UPLOADS.forbid(session.session_id)
    return visitor


def _visitor() -> Visitor:
    if signin_on():
        if not st.user.is_logged_in:
            return Visitor("not signed in", "not signed in", frozenset(), signed_in=False)
        return signed_in_visitor(st.user.to_dict(), _rules())
    local = only_this_computer(
        st.get_option("server.address"), st.context.ip_address, st.context.headers.to_dict()
    )
    return visitor_without_signin(local)


def change_refusal(visitor: Visitor) -> str | None:
    """Why this visitor may not change the data (Markdown-safe), or None when they may."""
    reason = commit_refusal(visitor, signin_on())
    return plain(reason) if reason else None


def _screen_token_opens() -> bool:
    """Whether the link's screen token is valid now (checked at every run)."""
    token = st.query_params.get(TOKEN_PARAM)
    return bool(token) and data_store().token_valid(token)


def may_view(wall: bool = False) -> bool:
    """Whether this visitor may see the page now: no sign-in configured, signed in with a role,
    or (on the wall screen, `wall`) a screen token still valid. Every run asks, a fragment's
    rerun too, so a revoked token or a removed role closes the page at its next refresh."""
    if not signin_on():
        return True
    if st.user.is_logged_in:
        return view_refusal(current_visitor()) is None
    return wall and _screen_token_opens()


def gate(wall: bool = False) -> None:
    """Let the run go on only if this visitor may see the page; the wall screen (`wall`) also
    opens with a valid screen token in its link."""
    if not signin_on():
        current_visitor()  # the server learns whether the visitor may upload
        return
    if not st.user.is_logged_in:
        UPLOADS.forbid(_session_id())
        if wall and _screen_token_opens():
            return
        st.title("Hotspot patrol map")
        _other_address()
        if wall and st.query_params.get(TOKEN_PARAM):
            st.error(
                "This screen link is not valid: it may have been revoked. Ask for a new one, "
                "or sign in."
            )
        else:
            st.info("Sign in to see the hotspot map.", icon=":material/lock:")
        if st.button("Sign in", key="sign-in", type="primary"):
            st.login()
        st.stop()
    visitor = current_visitor()
    refusal = view_refusal(visitor)
    if refusal:
        st.error(plain(refusal))
        _sign_out_button()
        st.stop()
    if not wall:
        with st.sidebar:
            roles = " and ".join(sorted(visitor.roles))
            st.caption(f"Signed in as **{plain(visitor.name)}** ({roles})")
            _sign_out_button()


def _other_address() -> None:
    """Say so, with a link, when this page's host is not the one sign-in is set up for."""
    redirect = str(_secrets()["auth"]["redirect_uri"])
    other = signin_elsewhere(st.context.url, redirect, st.query_params.to_dict())
    if other is not None:
        st.warning(plain(other.text), icon=":material/link_off:")
        st.link_button(plain(f"Open {other.address}"), other.url, icon=":material/open_in_new:")


def _session_id() -> str:
    session = get_script_run_ctx()
    return session.session_id if session is not None else ""


def _sign_out_button() -> None:
    if st.button("Sign out", key="sign-out", icon=":material/logout:"):
        st.logout()
