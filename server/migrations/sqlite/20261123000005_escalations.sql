-- Barriers escalated up the levels (local → zonal → district) and their answers back down.
CREATE TABLE escalations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id     INTEGER REFERENCES escalations (id),
    session_id    INTEGER NOT NULL REFERENCES sessions (id),
    barrier_id    TEXT NOT NULL,
    barrier       TEXT NOT NULL,
    from_mesa     TEXT NOT NULL REFERENCES mesas (code),
    to_mesa       TEXT NOT NULL REFERENCES mesas (code),
    reason        TEXT NOT NULL,
    answer_by     TEXT NOT NULL,
    escalated_by  TEXT NOT NULL,
    escalated_at  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pendiente', 'aceptada', 'devuelta', 'respondida', 'escalada')),
    decided_by    TEXT,
    decided_at    TEXT,
    decision_note TEXT,
    response      TEXT,
    responded_by  TEXT,
    responded_at  TEXT
);
CREATE INDEX escalations_to ON escalations (to_mesa, status);
CREATE INDEX escalations_from ON escalations (from_mesa);
CREATE INDEX escalations_barrier ON escalations (session_id, barrier_id);
