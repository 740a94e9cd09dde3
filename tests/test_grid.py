"""The page's grid holds the numbers it shows, so a screen reader reads -32.6, not
-32.58426966292135."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.view.grid import rounded_as_shown, shown_decimals


def test_the_grid_holds_the_numbers_its_formats_show():
    config = {
        "change": st.column_config.NumberColumn("Change %", format="%.1f%%"),
        "p": st.column_config.NumberColumn("p", format="%.3f"),
        "share": st.column_config.NumberColumn("Share", format="percent"),
        "hours": st.column_config.NumberColumn("Hours", format="localized"),
        "count": st.column_config.NumberColumn("Count", format="%d"),
    }
    frame = pd.DataFrame(
        {
            "change": [-32.58426966292135],
            "p": [0.0144991],
            "share": [0.995681],
            "hours": [408.13333],
            "count": [3.0],
            "plain": [1.23456789],
            "name": ["Heanor"],
        }
    )
    shown = rounded_as_shown(frame, config).iloc[0]
    assert shown["change"] == -32.6 and shown["p"] == 0.014 and shown["share"] == 0.9957
    assert shown["hours"] == 408.133 and shown["count"] == 3 and shown["plain"] == 1.2346
    assert shown["name"] == "Heanor"
    assert frame.iloc[0]["change"] == -32.58426966292135  # the caller's table is left alone
    assert shown_decimals(st.column_config.NumberColumn("x", format="%.2e")) is None
