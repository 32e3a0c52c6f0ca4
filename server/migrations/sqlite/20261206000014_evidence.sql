-- Evidence files on a board's commitments and follow-up reviews (docs/evidence.md). The bytes
-- are kept here, beside their digest, so a backup of the database holds them and a restore
-- brings them back with the board they belong to.
CREATE TABLE evidence_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    record_root  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    type_label   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX evidence_files_by_session ON evidence_files (session_id, id);
