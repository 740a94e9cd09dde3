"""geo.errors: one exception type and one convention for the rows it names."""

import pytest

from geo.errors import HotspotDataError


def test_rows_follow_one_convention_csv_lines_and_layer_features():
    from geo.errors import CSV_FIRST_ROW, LAYER_FIRST_ROW, refuse_first

    for first_row, expected in ((CSV_FIRST_ROW, 3), (LAYER_FIRST_ROW, 2)):
        with pytest.raises(HotspotDataError) as caught:
            refuse_first(
                [False, True, True], lambda i: f"bad at {i}", path="f", first_row=first_row
            )
        assert caught.value.row == expected and caught.value.problem == "bad at 1"
    refuse_first([False, False], lambda i: "never", path="f", first_row=CSV_FIRST_ROW)
