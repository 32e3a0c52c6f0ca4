-- Live boards: each session's yrs document as an append-only log of updates plus a snapshot
-- that compaction folds the log into.
CREATE TABLE room_updates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX room_updates_by_session ON room_updates (session_id, id);

CREATE TABLE room_snapshots (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id),
    data       BLOB NOT NULL,
    -- The highest room_updates.id folded into `data`.
    upto       INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
