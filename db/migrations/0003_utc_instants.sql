-- Every stored instant is UTC ISO 8601 (2026-12-02T21:00:00.000Z), so instants compare
-- as strings. Events' start and end were stored with the Stockholm offset; so were the
-- start and end values kept in a change's before/after. Text SQLite cannot read as a
-- time is left as it was rather than lost.

UPDATE events SET start = strftime('%Y-%m-%dT%H:%M:%fZ', start)
  WHERE start IS NOT NULL AND strftime('%Y-%m-%dT%H:%M:%fZ', start) IS NOT NULL;
UPDATE events SET "end" = strftime('%Y-%m-%dT%H:%M:%fZ', "end")
  WHERE "end" IS NOT NULL AND strftime('%Y-%m-%dT%H:%M:%fZ', "end") IS NOT NULL;

UPDATE changes SET before = json_set(before, '$.start', strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(before, '$.start')))
  WHERE json_type(before, '$.start') = 'text' AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(before, '$.start')) IS NOT NULL;
UPDATE changes SET before = json_set(before, '$.end', strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(before, '$.end')))
  WHERE json_type(before, '$.end') = 'text' AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(before, '$.end')) IS NOT NULL;
UPDATE changes SET after = json_set(after, '$.start', strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(after, '$.start')))
  WHERE json_type(after, '$.start') = 'text' AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(after, '$.start')) IS NOT NULL;
UPDATE changes SET after = json_set(after, '$.end', strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(after, '$.end')))
  WHERE json_type(after, '$.end') = 'text' AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(after, '$.end')) IS NOT NULL;

-- Mail links are signed per address (settings.unsubscribe_secret); the per-subscription
-- token and its confirm flow were never used. SQLite cannot drop a UNIQUE column in place.
CREATE TABLE subscriptions_new (
  id           INTEGER PRIMARY KEY,
  email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  services     TEXT NOT NULL DEFAULT '[]',
  cadence      TEXT NOT NULL CHECK (cadence IN ('immediate', 'daily', 'weekly')),
  kinds        TEXT NOT NULL DEFAULT '["disruption","maintenance","release"]',
  confirmed    INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
INSERT INTO subscriptions_new (id, email, services, cadence, kinds, confirmed, created_at, updated_at)
  SELECT id, email, services, cadence, kinds, confirmed, created_at, updated_at FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
