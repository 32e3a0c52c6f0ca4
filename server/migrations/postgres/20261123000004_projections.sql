-- Live boards projected into relational rows for the dashboards: rewritten per session (in one
-- transaction) a moment after its board changes; a closed session's rows are its official record.
CREATE TABLE proj_commitments (
    session_id   BIGINT NOT NULL REFERENCES sessions (id),
    record_id    TEXT NOT NULL,
    mesa_code    TEXT NOT NULL REFERENCES mesas (code),
    description  TEXT NOT NULL,
    institutions TEXT NOT NULL,
    responsible  TEXT NOT NULL,
    due          TEXT,
    status       TEXT NOT NULL,
    PRIMARY KEY (session_id, record_id)
);
CREATE INDEX proj_commitments_by_mesa ON proj_commitments (mesa_code);

CREATE TABLE proj_barriers (
    session_id  BIGINT NOT NULL REFERENCES sessions (id),
    record_id   TEXT NOT NULL,
    mesa_code   TEXT NOT NULL REFERENCES mesas (code),
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    territory   TEXT NOT NULL,
    institution TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (session_id, record_id)
);
CREATE INDEX proj_barriers_by_mesa ON proj_barriers (mesa_code);

CREATE TABLE proj_agreements (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    record_id  TEXT NOT NULL,
    mesa_code  TEXT NOT NULL REFERENCES mesas (code),
    statement  TEXT NOT NULL,
    PRIMARY KEY (session_id, record_id)
);

CREATE TABLE proj_attendance (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    record_id  TEXT NOT NULL,
    mesa_code  TEXT NOT NULL REFERENCES mesas (code),
    sector     TEXT NOT NULL,
    PRIMARY KEY (session_id, record_id)
);
