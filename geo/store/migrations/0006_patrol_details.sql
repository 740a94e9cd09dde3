-- The patrol log's optional columns, so a database gives the folder's patrol hours by type and
-- outcome totals: the patrol type ('' when the row gives none) and the outcome counts (NULL when
-- the row leaves the cell empty or the log lacks the column: not recorded, never 0). Notes and
-- officer ids stay only in the imported file (`patrol_file`), which no page reads for figures.
-- `db upgrade` fills these from the stored file of a log imported before them.
ALTER TABLE patrols
    ADD COLUMN patrol_type text NOT NULL DEFAULT '',
    ADD COLUMN stop_searches bigint CHECK (stop_searches >= 0),
    ADD COLUMN asb_powers bigint CHECK (asb_powers >= 0),
    ADD COLUMN missing_found bigint CHECK (missing_found >= 0),
    ADD COLUMN drugs_seized bigint CHECK (drugs_seized >= 0);
