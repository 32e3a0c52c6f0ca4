-- The mail queue (docs/mail.md): every message to send is a row written before anything is
-- sent, one recipient per row (members do not see each other's addresses). A sender claims a
-- row (state 'enviando', with its instance and the time), hands it to the SMTP server and marks
-- it 'enviado'. A claim left behind by a process that died is never retried on its own — the
-- message may already have been delivered — but becomes 'incierto' for the administrator.
-- The dedupe key makes queueing idempotent: one convocatoria per session version and
-- recipient, one reminder per person per day, one approved acta per recipient.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    claimed_by      TEXT,
    claimed_ms      INTEGER,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER,
    -- the session a convocatoria announces: a newer one for the same person replaces it
    session_id      INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_ms);
CREATE INDEX mail_outbox_session ON mail_outbox (session_id) WHERE session_id IS NOT NULL;

-- Attachments (an .ics, the acta's PDF), stored once by digest however many mails carry them.
CREATE TABLE mail_files (
    sha256       TEXT PRIMARY KEY,
    data         BLOB NOT NULL
);
CREATE TABLE mail_attachments (
    mail_id      INTEGER NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL REFERENCES mail_files (sha256),
    PRIMARY KEY (mail_id, position)
);

-- A session's revision: bumped by every correction and by its cancellation, so calendars
-- (SEQUENCE) and convocatorias know which version is the latest.
ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
-- a session already moved was published before with SEQUENCE 1: never go back below it
UPDATE sessions SET revision = 1 WHERE rescheduled_from IS NOT NULL;

-- A Mesa's standing agenda (orden del día tipo): the points every new session starts with,
-- as JSON (app::domain::agenda_template::TemplatePoint). One row per Mesa that has one.
CREATE TABLE agenda_templates (
    mesa_code  TEXT PRIMARY KEY REFERENCES mesas (code),
    points     TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
