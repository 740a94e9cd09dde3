-- What app instances read at load instead of scanning crime rows, kept by import for the months
-- it touched: rows and exact duplicate rows per month, force and crime type (for flagged months)
-- and the located ASB per map point (for the untreated comparison squares).
CREATE TABLE type_month_counts (
    month date NOT NULL,
    reported_by text NOT NULL,
    crime_type text NOT NULL,
    rows bigint NOT NULL,
    duplicates bigint NOT NULL,
    PRIMARY KEY (month, reported_by, crime_type)
);

CREATE TABLE asb_point_counts (
    month date NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    asb bigint NOT NULL,
    PRIMARY KEY (month, lon, lat)
);

-- A duplicate repeats every column of an earlier row of the same month and force (one file).
INSERT INTO type_month_counts (month, reported_by, crime_type, rows, duplicates)
SELECT month, reported_by, crime_type, count(*), count(*) - count(DISTINCT (
    crime_id, falls_within, longitude, latitude, location, lsoa_code, lsoa_name, last_outcome,
    context))
FROM crimes GROUP BY month, reported_by, crime_type;

INSERT INTO asb_point_counts (month, lon, lat, asb)
SELECT month, lon, lat, count(*) FROM crimes
WHERE crime_type = 'Anti-social behaviour' AND geom IS NOT NULL GROUP BY month, lon, lat;
