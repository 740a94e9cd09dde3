-- GPS visits built at import by the app's own code (geo.analysis.visits) from every file's
-- counting pings, so app instances read visits, never a ping nor an officer: each visit's
-- hotspot (its position), the role of its first ping, its first and last counting ping, and how
-- many pings it joins; no officer code or pseudonym. Kept in the order the pages add them up
-- (hotspot, start, end, role, pings), which names no officer. `ping_rules` gains the longest gap
-- the visits were joined with (NULL until `db upgrade` builds the visits of a store made before);
-- `ping_totals` what reading every stored file found, for the pages and `db status`.
ALTER TABLE ping_rules ADD COLUMN max_gap_min double precision;

CREATE TABLE ping_visits (
    seq integer PRIMARY KEY,
    hotspot integer NOT NULL,
    role smallint NOT NULL,
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    pings integer NOT NULL CHECK (pings > 0)
);

CREATE TABLE ping_totals (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    files bigint NOT NULL,
    rows bigint NOT NULL,
    no_fix bigint NOT NULL,
    ambiguous bigint NOT NULL,
    first_month date NOT NULL,
    last_month date NOT NULL
);
