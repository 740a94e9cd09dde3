-- GPS pings: each imported file (officer ids pseudonymised, as the folder store keeps it), its
-- pings partitioned by the month of the file (UK time of its first ping, a partition made by the
-- first import of that month), and the pings that count for a hotspot under the visit rules in
-- `ping_rules`, kept by import so app instances build visits without reading every ping.
CREATE TABLE pseudonym_key (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    key bytea NOT NULL CHECK (length(key) >= 16)
);
-- Only imports need the key: app instances must not read it (see README, Roles).
REVOKE ALL ON pseudonym_key FROM PUBLIC;

CREATE TABLE ping_files (
    file_id bigserial PRIMARY KEY,
    month date NOT NULL,
    name text NOT NULL,
    source text NOT NULL,
    data bytea NOT NULL,
    rows bigint NOT NULL,
    no_fix bigint NOT NULL,
    ambiguous bigint NOT NULL,
    officers text[] NOT NULL,
    first_at timestamptz NOT NULL,
    last_at timestamptz NOT NULL,
    import_id bigint NOT NULL REFERENCES import_log,
    UNIQUE (month, name)
);

CREATE TABLE pings (
    month date NOT NULL,
    file_id bigint NOT NULL,
    row_no integer NOT NULL,
    officer text NOT NULL,
    role smallint NOT NULL,
    at timestamptz NOT NULL,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    accuracy_m double precision,
    PRIMARY KEY (month, file_id, row_no)
) PARTITION BY RANGE (month);

CREATE TABLE ping_rules (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    tolerance_m double precision NOT NULL,
    max_accuracy_m double precision NOT NULL
);

-- officer: the position of the pseudonym in its file's `officers`; hotspot: the hotspot's position.
CREATE TABLE counting_pings (
    file_id bigint NOT NULL REFERENCES ping_files ON DELETE CASCADE,
    seq integer NOT NULL,
    hotspot integer NOT NULL,
    officer integer NOT NULL,
    role smallint NOT NULL,
    seconds bigint NOT NULL,
    PRIMARY KEY (file_id, seq)
);
