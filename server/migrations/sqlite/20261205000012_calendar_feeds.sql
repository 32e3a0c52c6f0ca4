-- Calendar subscriptions (docs/calendars.md): a private URL per feed, its secret kept only as
-- a digest. A feed is a Mesa's sessions (mesa_code set) or a person's own sessions and
-- commitments (mesa_code NULL); its owner revokes it.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    mesa_code    TEXT REFERENCES mesas (code),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX calendar_feeds_by_account ON calendar_feeds (account_id, id);
