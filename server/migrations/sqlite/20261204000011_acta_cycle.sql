-- An acta's life after its session closes (docs/actas.md): a draft (borrador) the attendees
-- observe for a period, that the coordination answers and may correct, then approved and locked.
-- Actas closed before this are drafts without an observation period.
ALTER TABLE actas ADD COLUMN state TEXT NOT NULL DEFAULT 'borrador'
    CHECK (state IN ('borrador', 'aprobada'));
-- Last day (Bogotá, YYYY-MM-DD) to observe the draft.
ALTER TABLE actas ADD COLUMN observations_until TEXT;
-- The approval as JSON (how, by whom, when, the digest of the acta as approved), written once.
ALTER TABLE actas ADD COLUMN approval TEXT;

CREATE TABLE acta_observations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  INTEGER NOT NULL REFERENCES actas (session_id),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    answer      TEXT,
    answered_by TEXT,
    answered_at TEXT
);
CREATE INDEX acta_observations_by_acta ON acta_observations (session_id, id);

CREATE TABLE acta_corrections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES actas (session_id),
    kind         TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    field        TEXT NOT NULL,
    label        TEXT NOT NULL,
    before_text  TEXT NOT NULL,
    after_text   TEXT NOT NULL,
    corrected_by TEXT NOT NULL,
    corrected_at TEXT NOT NULL
);
CREATE INDEX acta_corrections_by_acta ON acta_corrections (session_id, id);

-- The lock, below the application too: an approved acta, its observations and its corrections
-- take no change.
CREATE TRIGGER actas_locked BEFORE UPDATE ON actas WHEN OLD.state = 'aprobada'
BEGIN
    SELECT RAISE(ABORT, 'acta aprobada: no se puede modificar');
END;
CREATE TRIGGER actas_locked_delete BEFORE DELETE ON actas WHEN OLD.state = 'aprobada'
BEGIN
    SELECT RAISE(ABORT, 'acta aprobada: no se puede modificar');
END;
CREATE TRIGGER acta_observations_locked_insert BEFORE INSERT ON acta_observations
WHEN (SELECT state FROM actas WHERE session_id = NEW.session_id) = 'aprobada'
BEGIN
    SELECT RAISE(ABORT, 'acta aprobada: no se puede modificar');
END;
CREATE TRIGGER acta_observations_locked_update BEFORE UPDATE ON acta_observations
WHEN (SELECT state FROM actas WHERE session_id = OLD.session_id) = 'aprobada'
BEGIN
    SELECT RAISE(ABORT, 'acta aprobada: no se puede modificar');
END;
CREATE TRIGGER acta_corrections_locked BEFORE INSERT ON acta_corrections
WHEN (SELECT state FROM actas WHERE session_id = NEW.session_id) = 'aprobada'
BEGIN
    SELECT RAISE(ABORT, 'acta aprobada: no se puede modificar');
END;
