-- Where each near map point lies, worked out at import by the app's own point-in-polygon test
-- (the WGS84 outlines, edge included), so app instances test no point when they load: kept by
-- import for the points of the months it touched, and for every point when the hotspots, the
-- control areas or the ring width change. `db upgrade` fills them for a store made before.
-- placed_points: every point tested (those in no area too); point_places: the areas covering one,
-- kind 0 a hotspot, 1 its displacement ring, 2 a control area; area: the hotspot's or control
-- area's position.
CREATE TABLE placed_points (
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    PRIMARY KEY (lon, lat)
);

CREATE TABLE point_places (
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    kind smallint NOT NULL CHECK (kind IN (0, 1, 2)),
    area integer NOT NULL,
    PRIMARY KEY (lon, lat, kind, area)
);

-- Located ASB per untreated comparison square and month (square ids as the app numbers them).
CREATE TABLE comparison_counts (
    month date NOT NULL,
    square bigint NOT NULL,
    asb bigint NOT NULL,
    PRIMARY KEY (month, square)
);

-- The ring width the places were worked out for; NULL until they are.
ALTER TABLE store_state ADD COLUMN placed_ring_m integer;
