-- Sessions can be rescheduled and cancelled (status «cancelada», kept in the series) and members
-- sit as titular or delegado and are removed softly (past actas keep their names).
--
-- SQLite cannot change a CHECK constraint in place, so `sessions` is rebuilt. sqlx runs every
-- migration inside a transaction, where `PRAGMA foreign_keys` cannot change; deferring the checks
-- to the commit instead lets the table be dropped and re-created under the same name: the rows
-- that come back satisfy every reference to them again before the commit checks.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE sessions_before AS SELECT * FROM sessions;
DROP TABLE sessions;
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    mesa_code        TEXT NOT NULL REFERENCES mesas (code),
    seq              INTEGER NOT NULL,
    scheduled_at     TEXT NOT NULL,
    place            TEXT NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('presencial', 'virtual', 'mixta')),
    status           TEXT NOT NULL CHECK (status IN ('programada', 'en_curso', 'cerrada', 'cancelada')),
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    closed_at        TEXT,
    rescheduled_from TEXT,
    change_reason    TEXT,
    cancelled_at     TEXT,
    UNIQUE (mesa_code, seq)
);
INSERT INTO sessions (id, mesa_code, seq, scheduled_at, place, mode, status, created_at, started_at, closed_at)
    SELECT id, mesa_code, seq, scheduled_at, place, mode, status, created_at, started_at, closed_at
    FROM sessions_before;
DROP TABLE sessions_before;
CREATE INDEX sessions_by_time ON sessions (scheduled_at);

ALTER TABLE members ADD COLUMN seat TEXT NOT NULL DEFAULT 'titular' CHECK (seat IN ('titular', 'delegado'));
ALTER TABLE members ADD COLUMN removed_on TEXT;
