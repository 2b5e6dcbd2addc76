/** Stored instants are UTC ISO, so events order correctly across both offsets; the migration converts old rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventFields } from '../../src/domain/event.js';
import { listMigrations, migrate, openDb, type Db } from '../../src/store/db.js';
import { insertEvent, listEvents } from '../../src/store/events.repo.js';
import { upsertSource } from '../../src/store/sources.repo.js';
import { storedIso } from '../../src/util/time.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftkoll-events-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fields = (key: string, start: string | null): EventFields => ({
  key,
  kind: 'maintenance',
  status: 'planned',
  title: key,
  services: [],
  start,
  end: null,
  url: null,
  impact: null,
  timeText: null,
  details: null,
  guid: null,
});

describe('events in time order', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(join(dir, 'test.db'));
    upsertSource(db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
  });
  afterEach(() => db.close());

  it('orders a winter event, a summer event and an event without a start, newest first', () => {
    // Parsers give Stockholm offsets; the store keeps UTC. Compared as text with offsets, 01.30 on a
    // summer night would sort after an event first seen at 23.45 UTC the evening before.
    insertEvent(db, 's', fields('summer', storedIso('2026-07-02T01:30:00+02:00')), '2026-06-01T10:00:00.000Z');
    insertEvent(db, 's', fields('winter', storedIso('2026-12-01T01:30:00+01:00')), '2026-06-01T10:00:00.000Z');
    insertEvent(db, 's', fields('unstarted', null), '2026-07-01T23:45:00.000Z');
    expect(listEvents(db).map((e) => e.key)).toEqual(['winter', 'unstarted', 'summer']);
  });
});

describe('migration 0003', () => {
  it('turns start and end stored with a Stockholm offset into UTC, in events and in changes', () => {
    const path = join(dir, 'old.db');
    const raw = new Database(path);
    const all = listMigrations();
    migrate(
      raw,
      all.filter((m) => m.version < 3),
    );
    raw.prepare("INSERT INTO sources (id, adapter, url) VALUES ('s', 'rss', 'https://s.example/')").run();
    const insert = raw.prepare(
      `INSERT INTO events (source_id, key, kind, status, title, start, end, first_seen_at, last_seen_at)
       VALUES ('s', ?, 'maintenance', 'planned', 't', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    );
    insert.run('winter', '2026-12-02T22:00:00+01:00', '2026-12-03T02:00:00+01:00');
    insert.run('summer', '2026-07-02T01:30:00+02:00', null);
    insert.run('odd', 'någon gång', null);
    raw
      .prepare(
        `INSERT INTO changes (event_id, type, fields, before, after, at) VALUES (1, 'rescheduled', '["start"]', ?, ?, '2026-01-01T00:00:00.000Z')`,
      )
      .run(JSON.stringify({ start: '2026-12-01T22:00:00+01:00' }), JSON.stringify({ start: '2026-12-02T22:00:00+01:00', title: 'x' }));
    raw.close();

    const db = openDb(path);
    const rows = db.prepare('SELECT key, start, end FROM events ORDER BY id').all();
    expect(rows).toEqual([
      { key: 'winter', start: '2026-12-02T21:00:00.000Z', end: '2026-12-03T01:00:00.000Z' },
      { key: 'summer', start: '2026-07-01T23:30:00.000Z', end: null },
      { key: 'odd', start: 'någon gång', end: null },
    ]);
    const change = db.prepare('SELECT before, after FROM changes').get() as { before: string; after: string };
    expect(JSON.parse(change.before)).toEqual({ start: '2026-12-01T21:00:00.000Z' });
    expect(JSON.parse(change.after)).toEqual({ start: '2026-12-02T21:00:00.000Z', title: 'x' });
    db.close();
  });
});
