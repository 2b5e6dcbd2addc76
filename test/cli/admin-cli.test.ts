/**
 * The admin commands as an operator runs them: the built CLI as a process on real SQLite
 * files, and a real SMTP server on loopback for `deliver`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { NewMessage } from '../../src/domain/message.js';
import { openDb } from '../../src/store/db.js';
import { enqueue } from '../../src/store/outbox.repo.js';
import { runCli } from '../helpers/cli.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const SAMPLE = root('defaults/region-uppsala.yaml');

/** A message as notify would enqueue it; `at` is when it was created (and first due). */
function message(key: string, to: string, kind: NewMessage['kind'], at: string): NewMessage {
  return {
    key,
    kind,
    to,
    from: '1177etjanster@regionuppsala.example',
    replyTo: '1177etjanster@regionuppsala.example',
    subject: `Test ${key}`,
    html: `<p>${key}</p>`,
    text: `Brödtext för ${key}.\n`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Driftkoll-Kind': kind },
    messageId: `<${key.replace(/\W/g, '')}@regionuppsala.example>`,
    template: 'alert',
    data: {},
    createdAt: at,
  };
}

// Each test spawns the CLI a dozen times; on a busy 2-core runner that can pass the default 30 s.
describe('admin commands', { timeout: 90_000 }, () => {
  let dir: string;
  let smtp: TestSmtp;
  let env: Record<string, string>;
  const dbPath = () => env.DRIFTKOLL_DB!;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-admin-'));
    smtp = await startSmtp();
    env = { DRIFTKOLL_DB: join(dir, 'data', 'd.db'), SMTP_URL: smtp.url, DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00' };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await smtp.close();
  });

  it('directory: a dry run changes nothing, an import that empties the directory is refused, list shows what is stored', async () => {
    // Before the first import there is no database; a dry run must not create one.
    const dry = await cli(['directory', 'import', SAMPLE, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: nothing was changed/);
    expect(dry.stdout).toMatch(/\+ unit akademiska \(Akademiska sjukhuset\)/);
    expect(existsSync(join(dir, 'data'))).toBe(false);

    expect((await cli(['directory', 'import', SAMPLE])).code).toBe(0);
    const stored = JSON.parse((await cli(['directory', 'list', '--json'])).stdout) as {
      id: string;
      type: string;
      contacts: { email: string }[];
    }[];
    expect(stored).toHaveLength(20);
    expect(stored.find((u) => u.id === 'akademiska')).toMatchObject({ type: 'administration', name: 'Akademiska sjukhuset' });

    // An edited file: one administration renamed, one gone.
    const doc = parse(readFileSync(SAMPLE, 'utf8')) as { administrations: { id: string; name: string }[] };
    doc.administrations.find((a) => a.id === 'akademiska')!.name = 'Akademiska';
    doc.administrations = doc.administrations.filter((a) => a.id !== 'itc');
    const edited = join(dir, 'edited.yaml');
    writeFileSync(edited, stringify(doc));
    const preview = await cli(['directory', 'import', edited, '--dry-run']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('~ unit akademiska (Akademiska) (name)');
    expect(preview.stdout).toContain('- unit itc');
    expect(JSON.parse((await cli(['directory', 'list', '--json'])).stdout)).toEqual(stored);

    // A file with no administrations would remove them all: refused unless --allow-empty.
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, stringify({ ...doc, administrations: [], objects: [] }));
    const refused = await cli(['directory', 'import', empty]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/would remove all \d+ stored; nothing was changed \(.*--allow-empty/);
    expect(JSON.parse((await cli(['directory', 'list', '--json'])).stdout)).toEqual(stored);
    const emptied = await cli(['directory', 'import', empty, '--allow-empty']);
    expect(emptied.code, emptied.stderr).toBe(0);
    expect((await cli(['directory', 'list'])).stdout).toMatch(/the directory is empty/);

    expect((await cli(['directory', 'import', SAMPLE])).code).toBe(0);
    const text = (await cli(['directory', 'list'])).stdout;
    expect(text).toMatch(/^akademiska\tadministration\tAkademiska sjukhuset\t\d+ contacts?\t/m);
    expect(text).toMatch(/^ {2}\S+@\S+\t/m);
  });

  it('subscriptions lists and removes; services shows the catalogue with aliases', async () => {
    const sub = await cli([
      'subscribe',
      '--email',
      'Anna.Berg@regionuppsala.example',
      '--services',
      '1177-journal,npo',
      '--cadence',
      'weekly',
    ]);
    expect(sub.code, sub.stderr).toBe(0);
    const list = JSON.parse((await cli(['subscriptions', '--json'])).stdout) as Record<string, unknown>[];
    expect(list).toEqual([
      expect.objectContaining({
        email: 'Anna.Berg@regionuppsala.example',
        services: ['1177-journal', 'npo'],
        cadence: 'weekly',
        confirmed: true,
      }),
    ]);
    expect((await cli(['subscriptions'])).stdout).toMatch(/^Anna\.Berg@regionuppsala\.example\tweekly\tconfirmed\t1177-journal,npo\t/m);

    const removed = await cli(['subscriptions', 'remove', 'anna.berg@regionuppsala.example']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse((await cli(['subscriptions', '--json'])).stdout)).toEqual([]);
    const again = await cli(['subscriptions', 'remove', 'anna.berg@regionuppsala.example']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^driftkoll: no subscription for anna\.berg@regionuppsala\.example/);

    const services = JSON.parse((await cli(['services', '--json'])).stdout) as { id: string; name: string; aliases: string[] }[];
    expect(services.find((s) => s.id === 'npo')).toMatchObject({
      name: expect.stringMatching(/patientöversikt/),
      aliases: expect.any(Array),
    });
    expect(services.find((s) => s.id === '1177')!.aliases).toContain('Vårdguiden');
    expect((await cli(['services'])).stdout).toMatch(/^nll\tNationella läkemedelslistan\tehm\tNLL, Läkemedelslistan$/m);
  });

  it('deliver sends what is due, exits 1 when a send fails; outbox filters and shows one message with its history', async () => {
    const db = openDb(dbPath(), { mustExist: true });
    const ids = [
      enqueue(db, message('alert:a', 'a@regionuppsala.example', 'alert', '2026-11-24T08:00:00.000Z')).id,
      enqueue(db, message('digest:b', 'b@regionuppsala.example', 'digest', '2026-11-24T08:01:00.000Z')).id,
      // Not due until tomorrow: deliver leaves it.
      enqueue(db, message('reminder:c', 'c@regionuppsala.example', 'reminder', '2026-11-25T08:00:00.000Z')).id,
      enqueue(db, message('alert:d', 'd@regionuppsala.example', 'alert', '2026-11-25T08:00:00.000Z')).id,
    ];
    db.close();
    const first = await cli(['deliver'], { LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('delivered: 2 sent, 0 to retry, 0 failed\n');
    // Stable log fields: the outbox row is outboxId, the Message-ID header is messageId.
    const sentLines = first.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'mail sent');
    expect(sentLines.map((l) => [l.outboxId, l.messageId])).toEqual([
      [ids[0], '<alerta@regionuppsala.example>'],
      [ids[1], '<digestb@regionuppsala.example>'],
    ]);
    expect(smtp.received.map((m) => m.envelope.to[0]).sort()).toEqual(['a@regionuppsala.example', 'b@regionuppsala.example']);

    // c is refused for good (550 at RCPT); d is deferred (451 after its data) and stays queued.
    smtp.rejectRecipient('c@regionuppsala.example');
    smtp.deferNext(1);
    const second = await cli(['deliver'], { DRIFTKOLL_NOW: '2026-11-25T09:30:00+01:00' });
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('delivered: 0 sent, 1 to retry, 1 failed\n');
    const retried = (await cli(['outbox', 'show', String(ids[3])])).stdout;
    expect(retried).toMatch(/^message \d+: alert, queued, 1 attempt\n/);
    expect(retried).toMatch(/\n {2}2026-11-25T09:3\d:\d\d(\.\d+)?\+01:00 {2}due again after 1 attempt: .*451/);

    const failed = JSON.parse((await cli(['outbox', '--status', 'failed', '--json'])).stdout) as { id: number; lastError: string }[];
    expect(failed.map((m) => m.id)).toEqual([ids[2]]);
    expect(failed[0]!.lastError).toMatch(/550/);
    const digests = JSON.parse((await cli(['outbox', '--kind', 'digest', '--json'])).stdout) as { id: number }[];
    expect(digests.map((m) => m.id)).toEqual([ids[1]]);
    const toA = (await cli(['outbox', '--to', 'A@regionuppsala.example', '--limit', '5'])).stdout;
    expect(toA).toBe(`${ids[0]}\talert\tsent\t1\ta@regionuppsala.example\tTest alert:a\n`);

    const show = await cli(['outbox', 'show', String(ids[0])]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`message ${ids[0]}: alert, sent, 1 attempt via smtp`);
    expect(show.stdout).toContain('From: Invånartjänster e-hälsa, Region Uppsala <1177etjanster@regionuppsala.example>');
    expect(show.stdout).toContain('Message-ID: <alerta@regionuppsala.example>');
    expect(show.stdout).toContain('Auto-Submitted: auto-generated');
    expect(show.stdout).toMatch(
      /history:\n {2}2026-11-24T09:00:00\+01:00 {2}queued\n {2}2026-11-24T09:30:00\+01:00 {2}sending\n {2}2026-11-24T09:30:00\+01:00 {2}sent \(1 attempt\)\n/,
    );
    expect(show.stdout).toMatch(/--- text part ---\nBrödtext för alert:a\.\n$/);
    const detail = JSON.parse((await cli(['outbox', 'show', String(ids[2]), '--json'])).stdout) as {
      status: string;
      history: { status: string; error: string | null }[];
    };
    expect(detail.status).toBe('failed');
    expect(detail.history.map((h) => h.status)).toEqual(['queued', 'sending', 'failed']);
    expect(detail.history[2]!.error).toMatch(/550/);
    const missing = await cli(['outbox', 'show', '999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('driftkoll: no message 999 in the outbox (list them with: driftkoll outbox)\n');
  });

  it('backup writes a private, consistent copy while another connection is writing, and will not overwrite', async () => {
    // Like `serve` in the middle of a poll: a write transaction is open while the backup runs.
    const live = new Database(dbPath());
    live.exec('BEGIN IMMEDIATE');
    live.prepare("INSERT INTO settings (key, value) VALUES ('uncommitted', 'x')").run();
    const target = join(dir, 'backup.db');
    try {
      const r = await cli(['backup', target]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^backup: ${target} \\(\\d+ bytes, schema version \\d+\\)\\n$`));
    } finally {
      live.exec('ROLLBACK');
      live.close();
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(existsSync(`${target}-wal`)).toBe(false);
    const copy = new Database(target, { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect((copy.prepare('SELECT COUNT(*) AS n FROM units').get() as { n: number }).n).toBe(20);
      expect(copy.prepare("SELECT 1 FROM settings WHERE key = 'uncommitted'").get()).toBeUndefined();
    } finally {
      copy.close();
    }

    const again = await cli(['backup', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`driftkoll: ${target} already exists; choose another file or pass --force to replace it\n`);
    const forced = await cli(['backup', target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});
