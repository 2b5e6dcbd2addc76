/**
 * Side by side with rss2email (Debian's `r2e`): the same 200-item feed on loopback, the same
 * loopback SMTP sink, each tool started as a whole process the way cron starts it.
 * Runs: first (silent baseline: driftkoll's first poll, `r2e run --no-send`), unchanged
 * (304 for both), changed (10 items added, 5 edited). Each round starts from empty state.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../util/paths.js';
import { benchFeed, startFeedServer } from './feed.js';
import { median, runProcess, type ProcessRun } from './process.js';
import { startSmtpSink } from './smtp-sink.js';

export const SCENARIOS = ['first', 'unchanged', 'changed'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ToolRow {
  tool: 'driftkoll' | 'r2e';
  scenario: Scenario;
  wallMs: number;
  cpuMs: number | null;
  maxRssMiB: number | null;
  /** Messages the sink received in this run (the median round's). */
  mails: number;
}

/** Where r2e is, or null. */
export function findR2e(): string | null {
  for (const p of ['/usr/bin/r2e', '/usr/local/bin/r2e']) {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return p;
    } catch {
      continue; // not here: try the next place
    }
  }
  return null;
}

function summarise(tool: ToolRow['tool'], scenario: Scenario, runs: { run: ProcessRun; mails: number }[]): ToolRow {
  const ok = runs.filter((r) => r.run.code === 0);
  if (ok.length !== runs.length) {
    const bad = runs.find((r) => r.run.code !== 0)!.run;
    throw new Error(`${tool} ${scenario} exited ${bad.code}: ${bad.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const nums = (f: (r: ProcessRun) => number | null) => {
    const xs = runs.map((r) => f(r.run)).filter((x): x is number => x !== null);
    return xs.length ? median(xs) : null;
  };
  return {
    tool,
    scenario,
    wallMs: nums((r) => r.wallMs)!,
    cpuMs: nums((r) => r.cpuMs),
    maxRssMiB: nums((r) => r.maxRssMiB),
    mails: median(runs.map((r) => r.mails)),
  };
}

/** `rounds` rounds of first → unchanged → changed for both tools; medians per tool and scenario. */
export async function benchRss2email(opts: { items: number; rounds: number; r2e: string }): Promise<ToolRow[]> {
  const base = benchFeed(opts.items);
  const changed = benchFeed(opts.items, { added: 10, edited: 5 });
  const feed = await startFeedServer(base);
  const sink = await startSmtpSink();
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-r2e-'));
  const cli = packagePath('dist', 'cli', 'main.js');
  const port = new URL(sink.url).port;
  const runs: Record<string, { run: ProcessRun; mails: number }[]> = {};
  const record = async (key: string, start: () => Promise<ProcessRun>) => {
    const before = sink.received();
    const run = await start();
    (runs[key] ??= []).push({ run, mails: sink.received() - before });
  };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      // driftkoll: one RSS source, one subscriber for the feed's services, alerts at once.
      const dk = join(dir, `dk-${round}`);
      const r2 = join(dir, `r2e-${round}`);
      execFileSync('mkdir', ['-p', dk, r2]);
      writeFileSync(
        join(dk, 'driftkoll.yaml'),
        `sources:\n  - { id: feed, adapter: rss, url: "${feed.url}", trustGuid: true }\nhttp: { retries: 0 }\n`,
      );
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: dk,
        DRIFTKOLL_DB: join(dk, 'driftkoll.db'),
        SMTP_URL: sink.url,
        DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00',
        LOG_FORMAT: 'json',
      };
      execFileSync(
        process.execPath,
        [
          cli,
          'subscribe',
          '--email',
          'bench@bench.example',
          '--services',
          '1177-journal,npo,intygstjanster,siths,pascal',
          '--cadence',
          'immediate',
        ],
        { cwd: dk, env, stdio: 'ignore' },
      );
      // rss2email: its own config file, SMTP to the same sink, the same feed; defaults otherwise
      // (one plain-text mail per new entry, trust-guid = True as driftkoll's trustGuid).
      const conf = join(r2, 'r2e.cfg');
      const data = join(r2, 'r2e.json');
      const r2env = { PATH: process.env.PATH ?? '', HOME: r2 };
      execFileSync(opts.r2e, ['-c', conf, '-d', data, 'new', 'bench@bench.example'], { env: r2env, stdio: 'ignore' });
      const cfg = readFileSync(conf, 'utf8')
        .replace(/^email-protocol = .*$/m, 'email-protocol = smtp')
        .replace(/^smtp-server = .*$/m, 'smtp-server = 127.0.0.1')
        .replace(/^smtp-port = .*$/m, `smtp-port = ${port}`)
        .replace(/^smtp-ssl = .*$/m, 'smtp-ssl = False')
        .replace(/^smtp-auth = .*$/m, 'smtp-auth = False');
      writeFileSync(conf, cfg);
      execFileSync(opts.r2e, ['-c', conf, '-d', data, 'add', 'feed', feed.url], { env: r2env, stdio: 'ignore' });
      const dkRun = () => runProcess(process.execPath, [cli, 'run'], { cwd: dk, env });
      const r2Run =
        (...extra: string[]) =>
        () =>
          runProcess(opts.r2e, ['-c', conf, '-d', data, 'run', ...extra], { cwd: r2, env: r2env });

      feed.set(base);
      await record('driftkoll:first', dkRun);
      await record('r2e:first', r2Run('--no-send'));
      await record('driftkoll:unchanged', dkRun);
      await record('r2e:unchanged', r2Run());
      feed.set(changed);
      await record('driftkoll:changed', dkRun);
      await record('r2e:changed', r2Run());
    }
  } finally {
    await feed.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return (['driftkoll', 'r2e'] as const).flatMap((tool) => SCENARIOS.map((s) => summarise(tool, s, runs[`${tool}:${s}`]!)));
}
