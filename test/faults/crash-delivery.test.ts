/**
 * kill -9 at random moments: the built CLI delivering to a slowed SMTP server on loopback,
 * each killed and restarted (polling: crash-poll.test.ts). Nothing may be lost, extra copies
 * never exceed the messages in flight (one per kill: delivery sends one at a time), and
 * the database stays intact.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/domain/message.js';
import { buildHeaders, makeMessageId } from '../../src/mail/deliver.js';
import { enqueue } from '../../src/store/outbox.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { CLI, runCli } from '../helpers/cli.js';
import type { PageServer } from '../helpers/page-server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

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

function message(key: string): NewMessage {
  const to = `${key}@region.example`;
  return {
    key,
    kind: 'alert',
    to,
    from: 'driftkoll@region.example',
    replyTo: 'it-support@region.example',
    subject: `Störning (${key})`,
    html: `<p>${key}</p>`,
    text: key,
    headers: buildHeaders({ unsubscribeHttps: 'https://d.example/avsluta/x', unsubscribeMailto: 'mailto:u@region.example', kind: 'alert' }),
    messageId: makeMessageId(key, 'driftkoll.example'),
    template: 'alert',
    data: {},
    createdAt: new Date(BASE).toISOString(),
  };
}

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

describe('SIGKILL while delivering', () => {
  it(
    '20 kills during `notify` delivery, each restarted: every message arrives, extra copies ≤ kills, integrity ok',
    { timeout: 150_000 },
    async () => {
      smtp = await startSmtp();
      smtp.delayMs = 100; // a little slow, so kills land mid-session
      app = createTestApp({});
      const keys: string[] = [];
      let kills = 0;
      let now = BASE;
      for (let trial = 0; trial < 20; trial++) {
        for (let n = 0; n < 6; n++) {
          const key = `t${trial}-m${n}`;
          keys.push(key);
          enqueue(app.db, message(key));
        }
        // Each restart is a later run: a claim the killed run left is older than the sending lease.
        now += 11 * MINUTE;
        const before = smtp.received.length;
        const firstArrival = async () => {
          for (let i = 0; i < 300 && smtp!.received.length === before; i++) await new Promise((r) => setTimeout(r, 10));
        };
        const env = { SMTP_URL: smtp.url, DRIFTKOLL_NOW: new Date(now).toISOString() };
        if (await runAndKill(['notify'], app.dir, env, firstArrival, random(50, 500))) kills++;
      }
      now += 11 * MINUTE;
      const final = await runCli(['notify'], { cwd: app.dir, env: { SMTP_URL: smtp.url, DRIFTKOLL_NOW: new Date(now).toISOString() } });
      expect(final.code, final.stderr).toBe(0);

      const copies = new Map<string, number>();
      for (const m of smtp.received) copies.set(m.parsed.messageId ?? '', (copies.get(m.parsed.messageId ?? '') ?? 0) + 1);
      const missing = keys.filter((k) => !copies.has(makeMessageId(k, 'driftkoll.example')));
      const extra = [...copies.values()].reduce((a, n) => a + n - 1, 0);
      report(`delivery: 20 trials, ${kills} SIGKILLs, ${keys.length} messages, ${missing.length} lost, ${extra} extra copies`);
      expect(missing).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(15); // most runs were still sending when killed
      expect(extra).toBeLessThanOrEqual(kills);
      expect(app.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(app.db.prepare(`SELECT status, count(*) AS n FROM outbox GROUP BY status`).all()).toEqual([
        { status: 'sent', n: keys.length },
      ]);
    },
  );
});
