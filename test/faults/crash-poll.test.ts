/**
 * kill -9 at random moments: the built CLI polling a large page, killed and restarted
 * (delivery: crash-delivery.test.ts). A poll is stored whole or not at all, runs a killed
 * process left open are closed as interrupted, and the database stays intact.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { CLI, runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { page, row } from './pages.js';

const BASE = Date.parse('2026-11-24T08:30:00.000Z');
const MINUTE = 60_000;
/** Figures for docs/RELIABILITY.md, printed at the end of each test. */
const report = (line: string) => process.stdout.write(`[faults] ${line}\n`);

let app: TestApp | undefined;
let smtp: TestSmtp | undefined;
let pages: PageServer | undefined;
afterEach(async () => {
  app?.close();
  await smtp?.close();
  await pages?.close();
  app = undefined;
  smtp = undefined;
  pages = undefined;
});

/** Runs the CLI and SIGKILLs it `afterMs` after `start()` resolves (or when it exits by itself). */
async function runAndKill(args: string[], cwd: string, env: Record<string, string>, start: () => Promise<void>, afterMs: number) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
  child.stderr.resume();
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const killed = await Promise.race([
    start().then(async () => {
      await new Promise((r) => setTimeout(r, afterMs));
      return child.kill('SIGKILL');
    }),
    exited.then(() => false),
  ]);
  await exited;
  return killed && child.signalCode === 'SIGKILL';
}

const random = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

describe('SIGKILL while polling', () => {
  it(
    '8 runs of `poll` on a 1,500-item page killed at random moments mid-poll, each restarted: nothing half-written, runs closed, integrity ok',
    { timeout: 120_000 },
    async () => {
      pages = await startPageServer();
      const items = Array.from({ length: 1500 }, (_, i) => row(`Störning i tjänst ${i + 1}`, 'Pågående'));
      pages.set({ body: page(items) });
      app = createTestApp({ sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: pages.url('/drift') }], http: { retries: 0 } });
      let now = BASE;
      let kills = 0;
      let window = 1500;
      const seen: number[] = [];
      for (let trial = 0; trial < 8; trial++) {
        now += 16 * MINUTE;
        const env = { DRIFTKOLL_NOW: new Date(now).toISOString() };
        // Killed at a random moment after the poll has started its run: while fetching, parsing or writing.
        const runs = () => (app!.db.prepare('SELECT count(*) AS n FROM poll_runs').get() as { n: number }).n;
        const before = runs();
        const started = async () => {
          for (let i = 0; i < 500 && runs() === before; i++) await new Promise((r) => setTimeout(r, 20));
        };
        // A poll that finished before its kill narrows the window, so the kills keep landing mid-poll however fast polls get.
        if (await runAndKill(['poll'], app.dir, env, started, random(0, window))) kills++;
        else window = Math.max(50, Math.floor(window / 2));
        // Either the whole poll is stored or none of it.
        const n = (app.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
        seen.push(n);
        expect([0, 1500]).toContain(n);
        expect(app.db.pragma('integrity_check', { simple: true })).toBe('ok');
      }
      now += 16 * MINUTE;
      const final = await runCli(['poll'], { cwd: app.dir, env: { DRIFTKOLL_NOW: new Date(now).toISOString() } });
      expect(final.code, final.stderr).toBe(0);
      report(
        `poll: 8 trials, ${kills} SIGKILLs, events after each: ${seen.join(',')}; final 1500; runs closed as interrupted: ${(app.db.prepare(`SELECT count(*) AS n FROM poll_runs WHERE error = 'interrupted'`).get() as { n: number }).n}`,
      );
      expect(kills).toBeGreaterThanOrEqual(2); // not vacuous: most runs were still going when killed
      expect(app.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1500 });
      // Recorded once, as the silent baseline, however many runs died around it.
      expect(app.db.prepare(`SELECT type, baseline, count(*) AS n FROM changes GROUP BY type, baseline`).all()).toEqual([
        { type: 'created', baseline: 1, n: 1500 },
      ]);
      expect(app.db.prepare('SELECT count(*) AS n FROM poll_runs WHERE finished_at IS NULL').get()).toEqual({ n: 0 });
      const interrupted = (app.db.prepare(`SELECT count(*) AS n FROM poll_runs WHERE error = 'interrupted'`).get() as { n: number }).n;
      // Every killed run that had started its run row is closed as interrupted by a later poll.
      expect(interrupted).toBeLessThanOrEqual(kills);
      expect(app.db.pragma('integrity_check', { simple: true })).toBe('ok');
    },
  );
});
