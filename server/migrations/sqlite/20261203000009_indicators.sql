-- The territory's indicators: the catalogue, values per territory and period, and the files
-- they were imported from (kept for the preview and the record of who loaded what).
CREATE TABLE indicators (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    definition     TEXT NOT NULL,
    numerator      TEXT NOT NULL,
    denominator    TEXT NOT NULL,
    unit           TEXT NOT NULL,
    factor         REAL NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('mayor', 'menor')),
    goal           REAL,
    goal_period    TEXT,
    source         TEXT NOT NULL,
    disaggregation TEXT NOT NULL CHECK (disaggregation IN ('upz', 'localidad', 'zona', 'distrito')),
    updated_at     TEXT NOT NULL
);

CREATE TABLE indicator_imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    mapping_name  TEXT,
    mapping_data  BLOB,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('vista_previa', 'importada', 'descartada')),
    applied_at    TEXT,
    summary       TEXT
);

CREATE TABLE indicator_values (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    territory_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    numerator      REAL,
    denominator    REAL,
    value          REAL NOT NULL,
    import_id      INTEGER NOT NULL REFERENCES indicator_imports (id),
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (indicator_code, territory_code, period)
);
CREATE INDEX indicator_values_by_territory ON indicator_values (territory_code, indicator_code);
