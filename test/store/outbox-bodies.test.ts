/** Migration 0006: message bodies move to outbox_bodies, and status changes leave them alone. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/store/db.js';
import { claimDue, enqueue, getMessage, markSent } from '../../src/store/outbox.repo.js';

const dirs: string[] = [];
function freshDb(): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bodies-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'o.db'));
  db.pragma('foreign_keys = ON');
  return db;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const message = {
  key: 'digest:a@example.se:daily:2026-11-25T06:30:00.000Z',
  kind: 'digest' as const,
  to: 'a@example.se',
  from: 'driftkoll@example.se',
  replyTo: null,
  subject: 'Driftläget',
  html: '<p>Hej</p>',
  text: 'Hej\n',
  headers: { 'Auto-Submitted': 'auto-generated' },
  messageId: '<abc@example.se>',
  template: 'digest',
  data: { template: 'digest', to: 'a@example.se' },
  createdAt: '2026-11-25T06:30:00.000Z',
};

describe('outbox bodies (migration 0006)', () => {
  it('moves the bodies of existing messages out of the outbox row, keeping them', () => {
    const db = freshDb();
    const all = listMigrations();
    migrate(
      db,
      all.filter((m) => m.version < 6),
    );
    db.prepare(
      `INSERT INTO outbox (idempotency_key, kind, to_address, from_address, subject, html, text, headers, message_id, template, data,
         next_attempt_at, created_at)
       VALUES ('k1', 'alert', 'b@example.se', 'driftkoll@example.se', 'Störning', '<p>Störning</p>', 'Störning\n', '{}', '<m1@x>',
         'alert', '{"template":"alert"}', '2026-11-24T08:00:00.000Z', '2026-11-24T08:00:00.000Z')`,
    ).run();
    migrate(db, all);
    const columns = (db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('html');
    expect(getMessage(db, 1)).toMatchObject({ key: 'k1', html: '<p>Störning</p>', text: 'Störning\n', data: { template: 'alert' } });
  });

  it('enqueues row and body together, once per key; sending changes only the row; deleting cascades', () => {
    const db = freshDb();
    migrate(db);
    const first = enqueue(db, message);
    expect(enqueue(db, { ...message, html: '<p>annan</p>' })).toEqual({ id: first.id, created: false });
    expect(db.prepare('SELECT COUNT(*) FROM outbox_bodies').pluck().get()).toBe(1);
    const [claimed] = claimDue(db, '2026-11-25T06:31:00.000Z', 1);
    expect(claimed).toMatchObject({ id: first.id, html: '<p>Hej</p>', text: 'Hej\n', status: 'sending' });
    expect(markSent(db, first.id, '2026-11-25T06:31:01.000Z', 'smtp')).toBe(true);
    expect(getMessage(db, first.id)).toMatchObject({ status: 'sent', html: '<p>Hej</p>', data: message.data });
    db.prepare('DELETE FROM outbox').run();
    expect(db.prepare('SELECT COUNT(*) FROM outbox_bodies').pluck().get()).toBe(0);
  });
});
