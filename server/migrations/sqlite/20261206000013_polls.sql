-- Votes and consensus checks on an agreement (docs/board-schema.md, «Votaciones»). The ballots
-- live here, not in the board's document: one per attendance record and one per voter
-- (account, named invitation, or the attendance record the coordination recorded in the room).
-- A secret vote keeps who voted and the counts, never who chose what.
CREATE TABLE polls (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    agreement_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    secret       INTEGER NOT NULL DEFAULT 0,
    opened_by    TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    closed_at    TEXT,
    closed_by    TEXT,
    outcome      TEXT,
    result       TEXT,
    present      INTEGER,
    members      INTEGER
);
CREATE INDEX polls_by_session ON polls (session_id, id);
-- At most one open poll per agreement.
CREATE UNIQUE INDEX polls_open_per_agreement ON polls (session_id, agreement_id) WHERE closed_at IS NULL;

CREATE TABLE poll_ballots (
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    attendee_id  TEXT NOT NULL,
    voter_key    TEXT NOT NULL,
    voter_name   TEXT NOT NULL,
    choice       TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT,
    cast_at      TEXT NOT NULL,
    PRIMARY KEY (poll_id, attendee_id),
    UNIQUE (poll_id, voter_key)
);

CREATE TABLE poll_tallies (
    poll_id INTEGER NOT NULL REFERENCES polls (id),
    choice  TEXT NOT NULL,
    votes   INTEGER NOT NULL,
    PRIMARY KEY (poll_id, choice)
);
