-- The patrol log's optional columns, so a database gives the folder's patrol hours by type and
-- outcome totals: the patrol type ('' when the row gives none) and the outcome counts (NULL when
-- the row leaves the cell empty or the log lacks the column: not recorded, never 0). What the
-- data page reports of the log (visits entered twice, one officer's overlapping visits, times in
-- the repeated hour) is worked out at import into `patrol_problems`, so app instances need not
-- read the imported file (`patrol_file`), whose notes and officer ids are in no other table.
-- `db upgrade` fills both from the stored file of a log imported before them.
ALTER TABLE patrols
    ADD COLUMN patrol_type text NOT NULL DEFAULT '',
    ADD COLUMN stop_searches bigint CHECK (stop_searches >= 0),
    ADD COLUMN asb_powers bigint CHECK (asb_powers >= 0),
    ADD COLUMN missing_found bigint CHECK (missing_found >= 0),
    ADD COLUMN drugs_seized bigint CHECK (drugs_seized >= 0);

CREATE TABLE patrol_problems (
    seq integer PRIMARY KEY,
    problem text NOT NULL,
    rows integer[] NOT NULL,
    detail text NOT NULL
);
