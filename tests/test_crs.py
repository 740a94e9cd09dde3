"""geo.crs: the two codes name the systems the library says they do (checked against PROJ)."""

from pyproj import CRS, Transformer

from geo.crs import BRITISH_NATIONAL_GRID, WGS84


def test_british_national_grid_is_osgb36_in_metres():
    grid = CRS.from_user_input(BRITISH_NATIONAL_GRID)
    assert grid.name == "OSGB36 / British National Grid"
    assert grid.is_projected
    assert {axis.unit_name for axis in grid.axis_info} == {"metre"}


def test_wgs84_is_geographic_degrees():
    lonlat = CRS.from_user_input(WGS84)
    assert lonlat.name == "WGS 84"
    assert lonlat.is_geographic
    assert {axis.unit_name for axis in lonlat.axis_info} == {"degree"}


def test_the_grid_true_origin_lands_on_the_published_false_origin():
    """The Ordnance Survey defines the grid's true origin, 49° N 2° W, as easting 400 km and
    northing -100 km; from WGS84 the datum shift moves it by well under 200 m. Lon/lat order, as
    the library keeps it."""
    to_grid = Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True)
    easting, northing = to_grid.transform(-2.0, 49.0)
    assert abs(easting - 400_000) < 200 and abs(northing + 100_000) < 200
