-- People, their roles per Mesa, web sessions, one-time setup links, invitations (so they can be
-- listed and revoked), personal access tokens and the audit log. Expiry instants are Unix
-- seconds (compared, never shown); instants people read are RFC 3339 UTC text as elsewhere.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,          -- lower-cased
    name          TEXT NOT NULL,
    institution   TEXT NOT NULL DEFAULT '',
    sector        TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    password_hash TEXT,                          -- argon2id PHC string; NULL until set
    is_admin      INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    oidc_subject  TEXT UNIQUE,                   -- "issuer|sub" once linked by single sign-on
    created_at    TEXT NOT NULL
);

CREATE TABLE mesa_roles (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    mesa_code  TEXT NOT NULL REFERENCES mesas (code),
    role       TEXT NOT NULL CHECK (role IN ('coordinador', 'integrante', 'observador')),
    PRIMARY KEY (account_id, mesa_code)
);

CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,               -- SHA-256 of the cookie's value
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at     INTEGER
);
CREATE INDEX web_sessions_by_account ON web_sessions (account_id);

CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE invitations (
    nonce        TEXT PRIMARY KEY,
    session_id   INTEGER REFERENCES sessions (id),
    mesa_code    TEXT NOT NULL REFERENCES mesas (code),
    role         TEXT NOT NULL,
    name         TEXT,
    expires_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    uses         INTEGER NOT NULL DEFAULT 0,
    last_used_at TEXT,
    last_used_by TEXT
);
CREATE INDEX invitations_by_session ON invitations (session_id);

CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,                        -- "cuenta:7 (Ana Pérez)", "invitacion:…", "cli"
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit_log (at);

-- A single sign-on in flight: what the callback must check (state, nonce, PKCE verifier), for
-- ten minutes at most.
CREATE TABLE oidc_pending (
    state      TEXT PRIMARY KEY,
    pending    TEXT NOT NULL,
    next_path  TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Who sent each stored board update, as the server knew it from the socket's credential.
ALTER TABLE room_updates ADD COLUMN author TEXT;

ALTER TABLE mesas ADD COLUMN publishes_actas INTEGER NOT NULL DEFAULT 0;
