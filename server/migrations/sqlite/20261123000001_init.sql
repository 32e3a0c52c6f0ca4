-- Territory, Mesas, members and sessions (SQLite). Timestamps are RFC 3339 UTC text
-- ("2026-12-01T14:00:00Z"), which sorts chronologically as text.
CREATE TABLE zonas (
    name   TEXT PRIMARY KEY,
    subred TEXT NOT NULL
);

CREATE TABLE localidades (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    zona TEXT NOT NULL REFERENCES zonas (name)
);

CREATE TABLE mesas (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('distrital', 'zonal', 'local')),
    parent_code    TEXT REFERENCES mesas (code),
    zona           TEXT REFERENCES zonas (name),
    localidad_code TEXT REFERENCES localidades (code),
    position       INTEGER NOT NULL
);

CREATE TABLE members (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mesa_code   TEXT NOT NULL REFERENCES mesas (code),
    name        TEXT NOT NULL,
    institution TEXT NOT NULL,
    sector      TEXT NOT NULL,
    role        TEXT NOT NULL,
    contact     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX members_by_mesa ON members (mesa_code);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    mesa_code    TEXT NOT NULL REFERENCES mesas (code),
    seq          INTEGER NOT NULL,
    scheduled_at TEXT NOT NULL,
    place        TEXT NOT NULL,
    mode         TEXT NOT NULL CHECK (mode IN ('presencial', 'virtual', 'mixta')),
    status       TEXT NOT NULL CHECK (status IN ('programada', 'en_curso', 'cerrada')),
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    closed_at    TEXT,
    UNIQUE (mesa_code, seq)
);
CREATE INDEX sessions_by_time ON sessions (scheduled_at);
