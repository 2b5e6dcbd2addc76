/** `driftkoll run` as cron starts it: built CLI, real SQLite, pages and SMTP on loopback. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

interface Report {
  polled: { sourceId: string; outcome: string; baseline: boolean; changes: number }[];
  skipped: string[];
  alerts: { changes: number; alerts: number };
  reminders: number;
  digests: { daily: { enqueued: number; alreadySent: number }; weekly: { enqueued: number } };
  delivered: { sent: number; retried: number; failed: number };
}

/** The demo driftstatus page with one more ongoing disruption, in 1177 journal. */
function withNewDisruption(page: string): string {
  const article = /<article[\s\S]*?<\/article>/.exec(page)![0];
  const added = article
    .replace('storning-i-1177-journal-2611/', 'ny-storning-1177-journal/')
    .replace('Störning i 1177 journal</a>', 'Ny störning i 1177 journal</a>');
  return page.replace(article, `${article}\n${added}`);
}

describe('driftkoll run', () => {
  let dir: string;
  let pages: PageServer;
  let smtp: TestSmtp;
  let env: Record<string, string>;
  const page = readFileSync(root('demo/pages/driftstatus.html'), 'utf8');
  const run = async (args: string[], now: string) => {
    const r = await runCli(['run', '--json', ...args], { cwd: dir, env: { ...env, DRIFTKOLL_NOW: now } });
    return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined };
  };
  const drift = () => pages.requests.filter((r) => r.path === '/drift/').length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-run-'));
    pages = await startPageServer();
    smtp = await startSmtp();
    pages.set({ body: page }, '/drift/');
    writeFileSync(
      join(dir, 'driftkoll.yaml'),
      [
        'sources:',
        `  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/drift/')}", interval: 5m }`,
        'http: { retries: 0 }',
        `directory: ${root('defaults/region-uppsala.yaml')}`,
      ].join('\n'),
    );
    env = { DRIFTKOLL_DB: join(dir, 'd.db'), SMTP_URL: smtp.url, DRIFTKOLL_BASE_URL: 'https://driftkoll.example' };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pages.close();
    await smtp.close();
  });

  it('polls silently the first time, sends nothing the second time, alerts on a change, and --due skips a fresh source', async () => {
    // A Tuesday 09:30: after the 07:30 daily slot, which has not gone out yet.
    const first = await run([], '2026-11-24T09:30:00+01:00');
    expect(first.code, first.stderr).toBe(0);
    expect(first.report!.polled).toMatchObject([{ sourceId: 'drift', outcome: 'changed', baseline: true }]);
    expect(first.report!.alerts.alerts).toBe(0);
    const digests = first.report!.digests.daily.enqueued;
    expect(digests).toBeGreaterThan(0);
    expect(first.report!.delivered).toEqual({ sent: smtp.received.length, retried: 0, failed: 0 });
    // The baseline alerts no one: everything sent is this morning's digest.
    expect(smtp.received.every((m) => /^Driftläget för e-tjänster/.test(m.parsed.subject ?? ''))).toBe(true);
    expect(smtp.received).toHaveLength(digests);

    // Cron five minutes later, nothing changed: the digest slot is done, nothing goes out.
    const second = await run([], '2026-11-24T09:35:00+01:00');
    expect(second.code, second.stderr).toBe(0);
    expect(second.report!.digests.daily).toMatchObject({ enqueued: 0, alreadySent: digests });
    expect(second.report!.delivered.sent).toBe(0);
    expect(smtp.received).toHaveLength(digests);

    // A new disruption: the contacts who follow 1177 journal get an alert.
    pages.set({ body: withNewDisruption(page) }, '/drift/');
    const third = await run([], '2026-11-24T09:40:00+01:00');
    expect(third.code, third.stderr).toBe(0);
    expect(third.report!.alerts.alerts).toBeGreaterThan(0);
    const alerts = smtp.received.slice(digests);
    expect(alerts).toHaveLength(third.report!.alerts.alerts);
    expect(alerts.every((m) => (m.parsed.text ?? '').includes('Ny störning i 1177 journal'))).toBe(true);

    // --due two minutes later: the source was polled within its five minutes and is left alone.
    const requests = drift();
    const early = await run(['--due'], '2026-11-24T09:42:00+01:00');
    expect(early.code, early.stderr).toBe(0);
    expect(early.report!.polled).toEqual([]);
    expect(early.report!.skipped).toEqual(['drift']);
    expect(drift()).toBe(requests);
    // A cron run a few seconds short of the interval still polls (the slack), and sends nothing new.
    const due = await run(['--due'], '2026-11-24T09:44:57+01:00');
    expect(due.report!.polled.map((p) => p.sourceId)).toEqual(['drift']);
    expect(drift()).toBe(requests + 1);
    expect(due.report!.delivered.sent).toBe(0);
    expect(smtp.received).toHaveLength(digests + alerts.length);
  });

  it('exits 1 with a readable line when a source fails', async () => {
    pages.set({ status: 500, body: 'oops' }, '/drift/');
    const r = await runCli(['run'], { cwd: dir, env: { ...env, DRIFTKOLL_NOW: '2026-11-24T10:00:00+01:00' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^drift: FAILED: .*500/m);
    expect(r.stdout).toMatch(/^delivered: 0 sent, 0 to retry, 0 failed$/m);
  });
});
