-- Sources, poll runs, events and their change history.

CREATE TABLE sources (
  id                   TEXT PRIMARY KEY,
  adapter              TEXT NOT NULL,
  url                  TEXT NOT NULL,
  etag                 TEXT,
  last_modified        TEXT,
  -- Set by the first healthy poll: what it found is a silent baseline.
  baseline_at          TEXT,
  last_poll_at         TEXT,
  last_success_at      TEXT,
  last_failure_at      TEXT,
  last_error           TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  items_found          INTEGER,
  unknown_services     TEXT NOT NULL DEFAULT '[]',
  warnings             TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE poll_runs (
  id          INTEGER PRIMARY KEY,
  source_id   TEXT NOT NULL REFERENCES sources(id),
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  outcome     TEXT CHECK (outcome IN ('changed', 'unchanged', 'not-modified', 'failed')),
  http_status INTEGER,
  items       INTEGER,
  changes     INTEGER NOT NULL DEFAULT 0,
  error       TEXT
);
CREATE INDEX poll_runs_source ON poll_runs(source_id, id);

CREATE TABLE events (
  id            INTEGER PRIMARY KEY,
  source_id     TEXT NOT NULL REFERENCES sources(id),
  key           TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('disruption', 'maintenance', 'release')),
  status        TEXT NOT NULL CHECK (status IN ('ongoing', 'resolved', 'planned', 'cancelled')),
  title         TEXT NOT NULL,
  services      TEXT NOT NULL DEFAULT '[]',
  start         TEXT,
  end           TEXT,
  url           TEXT,
  impact        TEXT,
  time_text     TEXT,
  details       TEXT,
  guid          TEXT,
  first_seen_at TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  -- Consecutive healthy polls that did not list the item.
  missing_polls INTEGER NOT NULL DEFAULT 0,
  vanished_at   TEXT,
  UNIQUE (source_id, key)
);
CREATE INDEX events_start ON events(start);

CREATE TABLE changes (
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES events(id),
  run_id    INTEGER REFERENCES poll_runs(id),
  type      TEXT NOT NULL CHECK (type IN ('created', 'updated', 'resolved', 'cancelled', 'rescheduled', 'vanished', 'reappeared')),
  fields    TEXT NOT NULL DEFAULT '[]',
  -- The changed fields' values before and after, as JSON objects.
  before    TEXT,
  after     TEXT,
  at        TEXT NOT NULL,
  -- Recorded by a source's first poll: stored, never announced.
  baseline  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_event ON changes(event_id, id);
CREATE INDEX changes_at ON changes(at);
