-- The territory's social assets and the teams working in it, keyed by a stable code that boards
-- refer to (a barrier's mobilised assets, a commitment's delivering asset).
CREATE TABLE social_assets (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    offer       TEXT NOT NULL,
    localidad   TEXT NOT NULL,
    upz         TEXT,
    lon         REAL,
    lat         REAL,
    contact     TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX social_assets_by_localidad ON social_assets (localidad, name);

CREATE TABLE territory_teams (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    institution  TEXT NOT NULL,
    -- Territory codes (localidades, UPZ) separated by ';', in the order given.
    coverage     TEXT NOT NULL,
    contact      TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Each file loaded into the register, with what it did or why nothing was written (the page
-- shows it after the upload; any instance behind a load balancer can).
CREATE TABLE register_imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name    TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    -- JSON: the summary when it was saved, else the problems found.
    outcome      TEXT NOT NULL
);

-- The assets a projected barrier mobilises (codes, comma-separated) and its severity (1–5; boards
-- projected before hold the cards' default, 3, until they are projected again), for the dashboards.
ALTER TABLE proj_barriers ADD COLUMN assets TEXT NOT NULL DEFAULT '';
ALTER TABLE proj_barriers ADD COLUMN severity INTEGER NOT NULL DEFAULT 3;
