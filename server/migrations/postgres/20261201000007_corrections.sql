-- Sessions can be rescheduled and cancelled (status «cancelada», kept in the series) and members
-- sit as titular or delegado and are removed softly (past actas keep their names).
ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('programada', 'en_curso', 'cerrada', 'cancelada'));
ALTER TABLE sessions ADD COLUMN rescheduled_from TEXT;
ALTER TABLE sessions ADD COLUMN change_reason TEXT;
ALTER TABLE sessions ADD COLUMN cancelled_at TEXT;

ALTER TABLE members ADD COLUMN seat TEXT NOT NULL DEFAULT 'titular' CHECK (seat IN ('titular', 'delegado'));
ALTER TABLE members ADD COLUMN removed_on TEXT;
