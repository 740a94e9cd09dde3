-- The PostgreSQL + PostGIS store: outlines, police.uk rows by month, patrols, the counts app
-- instances read, and the log of imports. Applied by `python -m geo db upgrade --data URL`.
CREATE EXTENSION IF NOT EXISTS postgis;

-- One row: the version app instances key their caches on (one step per import), the widest
-- displacement ring the counts cover, and, for a copy of the generated sample, its SAMPLE.md.
CREATE TABLE store_state (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL DEFAULT 0,
    ring_m integer NOT NULL DEFAULT 200 CHECK (ring_m BETWEEN 10 AND 5000),
    sample_note text
);
INSERT INTO store_state DEFAULT VALUES;

CREATE TABLE import_log (
    import_id bigserial PRIMARY KEY,
    kind text NOT NULL,
    imported_by text NOT NULL DEFAULT session_user,
    client text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    sources text[] NOT NULL,
    months date[] NOT NULL DEFAULT '{}',
    rows bigint NOT NULL DEFAULT 0
);

-- Hotspots as read (WGS84, exact) and in the British National Grid for GIS tools and distances.
CREATE TABLE hotspots (
    hotspot_id text PRIMARY KEY,
    position integer NOT NULL UNIQUE,
    name text NOT NULL,
    town text NOT NULL,
    started date,
    geom_wgs84 geometry(Geometry, 4326) NOT NULL,
    geom geometry(Geometry, 27700) NOT NULL,
    import_id bigint NOT NULL REFERENCES import_log
);
CREATE INDEX hotspots_geom ON hotspots USING gist (geom);

-- Every hotspot row an import replaced or removed, with the import that did it.
CREATE TABLE hotspot_history (
    LIKE hotspots,
    replaced_by bigint NOT NULL REFERENCES import_log,
    replaced_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Optional control polygons for the displacement test (as the folder's control.geojson).
CREATE TABLE control_areas (LIKE hotspots INCLUDING ALL);

-- police.uk street-level rows, partitioned by month (a partition is made by the first import of
-- its month). row_no keeps each month and force in the order of its file; coordinates are kept as
-- written and as numbers.
CREATE TABLE crimes (
    month date NOT NULL,
    reported_by text NOT NULL,
    row_no integer NOT NULL,
    crime_id text NOT NULL,
    falls_within text NOT NULL,
    longitude text NOT NULL,
    latitude text NOT NULL,
    location text NOT NULL,
    lsoa_code text NOT NULL,
    lsoa_name text NOT NULL,
    crime_type text NOT NULL,
    last_outcome text NOT NULL,
    context text NOT NULL,
    lon double precision GENERATED ALWAYS AS (NULLIF(trim(longitude), '')::float8) STORED,
    lat double precision GENERATED ALWAYS AS (NULLIF(trim(latitude), '')::float8) STORED,
    geom geometry(Point, 27700) GENERATED ALWAYS AS (
        CASE WHEN NULLIF(trim(longitude), '')::float8 <> 'NaN'
            AND NULLIF(trim(latitude), '')::float8 <> 'NaN'
        THEN ST_Transform(ST_SetSRID(ST_MakePoint(
            NULLIF(trim(longitude), '')::float8, NULLIF(trim(latitude), '')::float8), 4326), 27700)
        END
    ) STORED,
    import_id bigint NOT NULL
) PARTITION BY RANGE (month);
CREATE INDEX crimes_month_force ON crimes (month, reported_by);
CREATE INDEX crimes_geom ON crimes USING gist (geom);

-- One row per month and force held: the unit an import replaces, never doubles.
CREATE TABLE crime_files (
    month date NOT NULL,
    reported_by text NOT NULL,
    slug text NOT NULL,
    source text NOT NULL,
    rows integer NOT NULL,
    import_id bigint NOT NULL REFERENCES import_log,
    PRIMARY KEY (month, reported_by)
);

-- Counts app instances read (no crime rows): every row by month and force ...
CREATE TABLE month_counts (
    month date NOT NULL,
    reported_by text NOT NULL,
    crime bigint NOT NULL,
    asb bigint NOT NULL,
    no_location bigint NOT NULL,
    located_asb bigint NOT NULL,
    PRIMARY KEY (month, reported_by)
);

-- ... and, per month, the distinct police.uk map points within reach of a hotspot, its ring or a
-- control area, with their crime and ASB counts (the app tests these points against the polygons).
CREATE TABLE near_point_counts (
    month date NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    crime bigint NOT NULL,
    asb bigint NOT NULL,
    PRIMARY KEY (month, lon, lat)
);

-- The patrol log: the visits as checked, and the file they came from (kept whole).
CREATE TABLE patrols (
    row_no integer PRIMARY KEY,
    hotspot_id text NOT NULL,
    start_time timestamp NOT NULL,
    end_time timestamp NOT NULL,
    officers bigint NOT NULL,
    arrests bigint NOT NULL,
    engagements bigint NOT NULL,
    hours double precision NOT NULL,
    import_id bigint NOT NULL REFERENCES import_log
);
CREATE TABLE patrol_file (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    data bytea NOT NULL,
    source text NOT NULL,
    import_id bigint NOT NULL REFERENCES import_log
);

-- For GIS users: crimes per hotspot, month and crime type, counted in the database (edge included).
CREATE VIEW hotspot_month_counts AS
SELECT h.hotspot_id, c.month, c.crime_type, count(*) AS crimes
FROM hotspots h JOIN crimes c ON ST_Covers(h.geom, c.geom)
GROUP BY h.hotspot_id, c.month, c.crime_type;
