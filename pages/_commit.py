"""Committing a checked import from a page, as the data page's upload and its proposals both do:
the plan shown first, then one commit whose result the next run shows."""

from __future__ import annotations

import streamlit as st

from geo.access import Visitor
from geo.app.imports import commit
from geo.errors import HotspotDataError
from geo.store.imports.staged import Staged
from geo.store.interface import Store
from pages._common import plain


def plan_shown(staged: Staged, store: Store) -> bool:
    """What committing `staged` would change, as a table; False, with the reason shown, when the
    store cannot say (nothing may then be committed)."""
    try:
        st.dataframe(store.plan(staged).table(), hide_index=True, width="stretch")
    except HotspotDataError as exc:
        st.error(plain(str(exc)))
        return False
    return True


def committed(staged: Staged, store: Store, visitor: Visitor, nothing: str) -> bool:
    """Commit `staged` as `visitor`; on success every cache is cleared and the commit's lines are
    kept for the next run to show. On a refusal, `nothing` ('Nothing was imported.') and why."""
    try:
        result = commit(staged, store, who=visitor.actor)
    except HotspotDataError as exc:
        st.error(f"{nothing} {plain(str(exc))}")
        return False
    st.cache_data.clear()
    st.cache_resource.clear()
    st.session_state["committed"] = result.lines
    return True
