-- Who hears what: the regional directory, staff subscriptions, the outbox and the
-- bookkeeping that makes every notification go out once.

-- Administrations (förvaltningar) and system objects that receive digests and alerts.
CREATE TABLE units (
  id       TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  type     TEXT NOT NULL CHECK (type IN ('administration', 'object')),
  -- JSON array of service ids, or the string "all".
  services TEXT NOT NULL
);

CREATE TABLE contacts (
  id      INTEGER PRIMARY KEY,
  unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  email   TEXT NOT NULL COLLATE NOCASE,
  role    TEXT NOT NULL,
  name    TEXT,
  channel TEXT NOT NULL DEFAULT 'email',
  UNIQUE (unit_id, email)
);
CREATE INDEX contacts_email ON contacts(email);

-- Staff who follow services themselves. One row per address, edited in place.
CREATE TABLE subscriptions (
  id           INTEGER PRIMARY KEY,
  email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  services     TEXT NOT NULL DEFAULT '[]',
  cadence      TEXT NOT NULL CHECK (cadence IN ('immediate', 'daily', 'weekly')),
  kinds        TEXT NOT NULL DEFAULT '["disruption","maintenance","release"]',
  confirmed    INTEGER NOT NULL DEFAULT 0,
  token        TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

-- Addresses that asked for no more mail (one-click unsubscribe); checked before every enqueue.
CREATE TABLE suppressions (
  email      TEXT PRIMARY KEY COLLATE NOCASE,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  -- digest:<to>:<cadence>:<slot> · alert:<to>:<batch> · reminder:<to>:<event>:<start> · resend:<original>:<n>
  idempotency_key TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('alert', 'digest', 'reminder', 'resend')),
  to_address      TEXT NOT NULL,
  from_address    TEXT NOT NULL,
  reply_to        TEXT,
  subject         TEXT NOT NULL,
  html            TEXT NOT NULL,
  text            TEXT NOT NULL,
  -- Extra headers (List-Unsubscribe, Auto-Submitted, …) as a JSON object.
  headers         TEXT NOT NULL DEFAULT '{}',
  message_id      TEXT NOT NULL UNIQUE,
  -- The template and its data, so an admin can preview again or resend with a note.
  template        TEXT NOT NULL,
  data            TEXT NOT NULL DEFAULT '{}',
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  transport       TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  -- When a worker took the row (status sending); a claim older than the lease is a crash.
  claimed_at      TEXT,
  -- Resends: the original message, who asked and why.
  original_id     INTEGER REFERENCES outbox(id),
  requested_by    TEXT,
  reason          TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- Which changes have been turned into alerts (or judged not worth one).
CREATE TABLE change_notifications (
  change_id   INTEGER PRIMARY KEY REFERENCES changes(id),
  handled_at  TEXT NOT NULL,
  messages    INTEGER NOT NULL DEFAULT 0
);

-- The last digest each address received, per cadence: the next one covers from here.
CREATE TABLE digest_log (
  email      TEXT NOT NULL COLLATE NOCASE,
  cadence    TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
  slot       TEXT NOT NULL,
  covered_to TEXT NOT NULL,
  outbox_id  INTEGER REFERENCES outbox(id),
  PRIMARY KEY (email, cadence, slot)
);

-- Installation-wide values, e.g. the secret that signs unsubscribe links.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
