-- A closed session's official record: its acta (numbered per Mesa) and its board's records.
CREATE TABLE actas (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id),
    mesa_code  TEXT NOT NULL REFERENCES mesas (code),
    number     INTEGER NOT NULL,
    -- The acta as JSON (header and board); HTML and Markdown are rendered from it.
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (mesa_code, number)
);

CREATE TABLE board_records (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (session_id, kind, record_id)
);
CREATE INDEX board_records_by_kind ON board_records (kind, session_id);
