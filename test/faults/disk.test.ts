/**
 * Disk full and read-only: a clear error, nothing half-written. A full disk is simulated
 * two ways: SQLite's page cap (always), and a 1 MB tmpfs filled up (where this process may
 * mount one, e.g. as root in CI containers; skipped otherwise). Read-only likewise: a
 * tmpfs remounted read-only, or, without mount rights, a file and directory without
 * write permission (which root would ignore).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshSource } from '../../src/sources/refresh.js';
import { getSource } from '../../src/store/sources.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { openDb } from '../../src/store/db.js';
import { runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { page, row } from './pages.js';

const BIG = page(Array.from({ length: 1500 }, (_, i) => row(`Störning i tjänst ${i + 1}`, 'Pågående')));

function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'driftkoll-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    // No mount rights (an ordinary user): those tests are skipped and say so.
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const MOUNT = process.platform === 'linux' && canMount();
const ROOT = process.getuid?.() === 0;

let app: TestApp | undefined;
let pages: PageServer | undefined;
const mounts: string[] = [];
afterEach(async () => {
  app?.close();
  await pages?.close();
  for (const m of mounts.splice(0)) {
    execFileSync('umount', [m]);
    rmSync(m, { recursive: true, force: true });
  }
  app = pages = undefined;
});

function tmpfs(sizeKb: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('disk full', () => {
  it('SQLite out of pages: the poll fails with the reason, nothing of it is stored, the next poll with room stores all', async () => {
    pages = await startPageServer();
    pages.set({ body: BIG });
    app = createTestApp({ sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: pages.url('/') }], http: { retries: 0 } });
    const pagesNow = app.db.pragma('page_count', { simple: true }) as number;
    app.db.pragma(`max_page_count = ${pagesNow + 2}`);
    const r = await refreshSource(app, app.config.sources[0]!);
    expect(r).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/could not be stored: database or disk is full/) });
    expect(count(app.db, 'events')).toBe(0);
    expect(count(app.db, 'changes')).toBe(0);
    expect(getSource(app.db, 'drift')).toMatchObject({ consecutiveFailures: 1, baselineAt: null });
    app.db.pragma('max_page_count = 1073741823');
    expect((await refreshSource(app, app.config.sources[0]!)).outcome).toBe('changed');
    expect(count(app.db, 'events')).toBe(1500);
    expect(app.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it.skipIf(!MOUNT)(
    'a full file system (tmpfs): the CLI poll exits 1 with the reason, nothing half-written, then recovers',
    { timeout: 30_000 },
    async () => {
      pages = await startPageServer();
      pages.set({ body: BIG });
      const dir = tmpfs(8192);
      writeFileSync(
        join(dir, 'driftkoll.yaml'),
        `database: d.db\nsources:\n  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/')}" }\nhttp: { retries: 0 }\n`,
      );
      openDb(join(dir, 'd.db')).close(); // creates and migrates the database
      // Leave about 40 KB: the 1,500 events need far more.
      const free = Number(execFileSync('df', ['--output=avail', '-k', dir]).toString().trim().split('\n')[1]);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, (free - 40) * 1024)));
      const full = await runCli(['poll'], { cwd: dir });
      expect(full.code).toBe(1);
      expect(full.stdout + full.stderr).toMatch(/database or disk is full|no space/i);
      rmSync(join(dir, 'filler'));
      const db = new Database(join(dir, 'd.db'));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(count(db, 'events')).toBe(0);
      } finally {
        db.close();
      }
      const again = await runCli(['poll'], { cwd: dir });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const after = new Database(join(dir, 'd.db'), { readonly: true });
      try {
        expect(count(after, 'events')).toBe(1500);
      } finally {
        after.close();
      }
    },
  );
});

describe('read-only', () => {
  async function prepared(dir: string) {
    pages = await startPageServer();
    pages.set({ body: page([row('Störning i 1177 journal', 'Pågående')]) });
    writeFileSync(
      join(dir, 'driftkoll.yaml'),
      `database: db/d.db\nsources:\n  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/')}" }\nhttp: { retries: 0 }\n`,
    );
    mkdirSync(join(dir, 'db'), { recursive: true });
    expect((await runCli(['poll'], { cwd: dir })).code).toBe(0);
    pages.set({ body: page([row('Störning i 1177 journal', 'Pågående'), row('Störning i Webcert', 'Pågående')]) });
  }
  async function expectRefusedAndUnchanged(dir: string) {
    const r = await runCli(['poll'], { cwd: dir });
    expect(r.code).not.toBe(0);
    // One line saying so (its wording for read-only file systems is issue 8's, which words every command's).
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^driftkoll: .*(read-?only|unable to open database)/i);
    return r;
  }

  it.skipIf(!MOUNT)(
    'a read-only file system: the poll is refused with a clear error and the database is as it was',
    { timeout: 30_000 },
    async () => {
      const dir = tmpfs(4096);
      await prepared(dir);
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      await expectRefusedAndUnchanged(dir);
      execFileSync('mount', ['-o', 'remount,rw', dir]);
      const db = new Database(join(dir, 'db', 'd.db'), { readonly: true });
      try {
        expect(count(db, 'events')).toBe(1);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    },
  );

  it.skipIf(ROOT)('a database file and directory without write permission: refused, unchanged', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftkoll-ro-'));
    try {
      await prepared(dir);
      chmodSync(join(dir, 'db', 'd.db'), 0o400);
      chmodSync(join(dir, 'db'), 0o500);
      await expectRefusedAndUnchanged(dir);
      chmodSync(join(dir, 'db'), 0o700);
      const db = new Database(join(dir, 'db', 'd.db'), { readonly: true });
      expect(count(db, 'events')).toBe(1);
      db.close();
    } finally {
      chmodSync(join(dir, 'db'), 0o700);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
