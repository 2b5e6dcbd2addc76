/**
 * Two `serve` processes on one database: the second refuses to start its scheduler with a
 * clear message, so nothing is polled, sent or recorded twice. After the first stops
 * cleanly, or is killed, a new one starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { page, row } from './pages.js';

let dir: string | undefined;
let pages: PageServer | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await pages?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = pages = undefined;
});

function serve(cwd: string) {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00' },
  });
  children.push(child);
  let out = '';
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 300 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    if (!out.includes(text)) throw new Error(`no "${text}" in: ${out}`);
  };
  return { child, exited, waitFor, output: () => out };
}

describe('two serve processes on one database', () => {
  it(
    'the second refuses with a clear message; nothing is polled twice; a later one starts once the first is gone',
    { timeout: 60_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'driftkoll-serve2-'));
      pages = await startPageServer();
      pages.set({ body: page([row('Störning i 1177 journal', 'Pågående')]) });
      writeFileSync(
        join(dir, 'driftkoll.yaml'),
        `sources:\n  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/drift')}" }\nhttp: { retries: 0 }\n`,
      );

      const first = serve(dir);
      await first.waitFor('baseline recorded');
      const second = serve(dir);
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(
        /driftkoll: another driftkoll serve \(pid \d+ on .+\) is running the scheduler on this database; not starting a second/,
      );
      expect(second.output()).not.toMatch(/poll finished|baseline recorded|web app listening/);
      const db = new Database(join(dir, 'data', 'driftkoll.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM poll_runs').get()).toEqual({ n: 1 });
      } finally {
        db.close();
      }

      // A clean stop gives the lease up: the next one starts at once.
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const third = serve(dir);
      await third.waitFor('web app listening');
      // Killed, it cannot give the lease up; on this host its dead pid frees it.
      third.child.kill('SIGKILL');
      await third.exited;
      const fourth = serve(dir);
      await fourth.waitFor('web app listening');
      fourth.child.kill('SIGTERM');
      expect(await fourth.exited).toBe(0);
    },
  );
});
