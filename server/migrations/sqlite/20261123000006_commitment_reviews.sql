-- Follow-up: each later session's review of a commitment carried over from an earlier one.
CREATE TABLE commitment_reviews (
    commitment_id  TEXT NOT NULL,
    origin_session INTEGER NOT NULL REFERENCES sessions (id),
    session_id     INTEGER NOT NULL REFERENCES sessions (id),
    status         TEXT NOT NULL,
    note           TEXT NOT NULL,
    reviewed_by    TEXT NOT NULL,
    PRIMARY KEY (commitment_id, session_id)
);
CREATE INDEX commitment_reviews_origin ON commitment_reviews (origin_session, commitment_id);
