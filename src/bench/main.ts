/**
 * `npm run bench [-- --smoke]`: the numbers in bench/RESULTS.md, measured here. Needs only
 * production dependencies. A full run rewrites bench/RESULTS.md; --smoke runs small sizes
 * in seconds and writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { packagePath } from '../util/paths.js';
import { benchFanout } from './digests.js';
import { benchGrowth } from './growth.js';
import { benchParse } from './parse.js';
import { median, runProcess } from './process.js';
import { benchRss2email, findR2e, type ToolRow } from './rss2email.js';

const smoke = process.argv.includes('--smoke');
const sizes = smoke
  ? { feed: 200, rounds: 1, fanout: 200, parse: 200, polls: 50, growth: 20, startRuns: 3 }
  : { feed: 200, rounds: 5, fanout: 10_000, parse: 1000, polls: 500, growth: 100, startRuns: 15 };

const lines: string[] = [];
const out = (line = '') => {
  lines.push(line);
  console.log(line);
};
const table = (head: string[], rows: (string | number)[][]) => {
  out(`| ${head.join(' | ')} |`);
  out(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
};
const f0 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(0));
const f1 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `${(a / b).toFixed(2)}×`);

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    nproc = `${nproc} (os.cpus)`; // no coreutils nproc: the count Node sees
  }
  return `nproc ${nproc}, ${cpu}, Node ${process.version}, ${process.platform}`;
}

async function startup(): Promise<void> {
  const cli = packagePath('dist', 'cli', 'main.js');
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-start-'));
  const env = { PATH: process.env.PATH ?? '', DRIFTKOLL_DB: join(dir, 'empty.db') };
  const time = async (args: string[]) => {
    const runs = [];
    for (let i = 0; i < sizes.startRuns; i++) runs.push(await runProcess(process.execPath, args, { cwd: dir, env }));
    return { wall: median(runs.map((r) => r.wallMs)), rss: median(runs.map((r) => r.maxRssMiB ?? Number.NaN)) };
  };
  const bare = await time(['-e', '0']);
  const events = await time([cli, 'events', '--json']);
  out(`## Start-up (median of ${sizes.startRuns} processes)`);
  out();
  table(
    ['command', 'wall ms', 'peak RSS MiB', 'vs node -e 0'],
    [
      ['node -e 0', f0(bare.wall), f1(bare.rss), '1.00×'],
      ['driftkoll events --json (empty database, no config file)', f0(events.wall), f1(events.rss), ratio(events.wall, bare.wall)],
    ],
  );
  rmSync(dir, { recursive: true, force: true });
}

async function r2e(): Promise<void> {
  out(`## rss2email side by side (${sizes.feed}-item RSS feed, loopback; median of ${sizes.rounds} rounds)`);
  out();
  const bin = findR2e();
  if (!bin) {
    out('r2e not found: rss2email comparison skipped (install the Debian package rss2email to run it).');
    out();
    return;
  }
  const rows = await benchRss2email({ items: sizes.feed, rounds: sizes.rounds, r2e: bin });
  const get = (tool: ToolRow['tool'], s: ToolRow['scenario']) => rows.find((r) => r.tool === tool && r.scenario === s)!;
  table(
    [
      'run',
      'driftkoll wall ms',
      'r2e wall ms',
      'wall ratio',
      'driftkoll CPU ms',
      'r2e CPU ms',
      'driftkoll peak MiB',
      'r2e peak MiB',
      'mails dk / r2e',
    ],
    (['first', 'unchanged', 'changed'] as const).map((s) => {
      const d = get('driftkoll', s);
      const r = get('r2e', s);
      return [
        s,
        f0(d.wallMs),
        f0(r.wallMs),
        ratio(d.wallMs, r.wallMs),
        f0(d.cpuMs),
        f0(r.cpuMs),
        f1(d.maxRssMiB),
        f1(r.maxRssMiB),
        `${d.mails} / ${r.mails}`,
      ];
    }),
  );
}

async function fanout(): Promise<void> {
  const r = await benchFanout(sizes.fanout);
  out(`## Digest fan-out (${r.recipients} recipients, loopback sink)`);
  out();
  table(
    ['step', 'value'],
    [
      ['render + enqueue', `${f0(r.renderMs)} ms`],
      ['deliver', `${f0(r.deliverMs)} ms (${r.received} received)`],
      ['driftkoll, rendered + delivered', `${f0(r.perSecond)} messages/s`],
      ['limit: bare nodemailer loop, one prebuilt message', `${f0(r.limitPerSecond)} messages/s`],
      ['ratio to the limit, wall time (target ≥ 80%)', `${((r.perSecond / r.limitPerSecond) * 100).toFixed(0)}%`],
      [
        'per CPU second: driftkoll / limit',
        `${f0(r.perCpuSecond)} / ${f0(r.limitPerCpuSecond)} messages (${((r.perCpuSecond / r.limitPerCpuSecond) * 100).toFixed(0)}%)`,
      ],
    ],
  );
}

async function parse(): Promise<void> {
  const rows = [await benchParse('inera-driftstatus', sizes.parse), await benchParse('inera-planeringskalendern', sizes.parse)];
  out(`## Parsing (median of 5 after a warm-up; target 20,000 items/s)`);
  out();
  table(
    ['page', 'items', 'KiB', 'wall ms', 'items/s (wall)', 'items/s (CPU)'],
    rows.map((r) => [r.adapter, r.items, f0(r.kib), f1(r.ms), f0(r.itemsPerSecond), f0(r.itemsPerCpuSecond)]),
  );
}

async function serve(): Promise<void> {
  const child = await runProcess(process.execPath, [packagePath('dist', 'bench', 'serve-child.js'), String(sizes.polls)], {
    cwd: packagePath(),
    env: { PATH: process.env.PATH ?? '' },
  });
  if (child.code !== 0) throw new Error(`serve bench failed: ${child.stderr.trim()}`);
  const r = JSON.parse(child.stdout) as {
    polls: number;
    notModified: number;
    rssStartMiB: number;
    rssAfterMiB: number;
    cpuMsPerPoll: number;
    wallMsPerPoll: number;
  };
  out(`## serve: ${r.polls} polls of an unchanged source (304)`);
  out();
  table(
    ['measure', 'value', 'target'],
    [
      ['resident memory after start (first poll done)', `${f1(r.rssStartMiB)} MiB`, '< 150 MB'],
      [`resident memory after ${r.polls} polls`, `${f1(r.rssAfterMiB)} MiB`, '< 150 MB'],
      ['CPU time per 304 poll', `${r.cpuMsPerPoll.toFixed(2)} ms`, '< 5 ms'],
      ['wall time per 304 poll', `${r.wallMsPerPoll.toFixed(2)} ms`, ''],
    ],
  );
}

async function growth(): Promise<void> {
  const rows = await benchGrowth(sizes.growth);
  out('## Growth: history stored (resolved events, three changes each)');
  out();
  table(
    ['history', 'events', 'changes', 'poll ms', 'notify ms', 'digest ms (20 recipients)'],
    rows.map((r) => [`${r.factor}×`, r.events, r.changes, f1(r.pollMs), f1(r.notifyMs), f1(r.digestMs)]),
  );
}

out(`# driftkoll benchmarks${smoke ? ' (smoke)' : ''}`);
out();
out(`Machine: ${machine()}. Run: ${new Date().toISOString()}.`);
out();
await startup();
await r2e();
await fanout();
await parse();
await serve();
await growth();

if (!smoke) {
  // The numbers go above the hand-written notes, which the run keeps.
  const file = packagePath('bench', 'RESULTS.md');
  let notes = '';
  try {
    const old = readFileSync(file, 'utf8');
    const at = old.indexOf('<!-- notes -->');
    if (at >= 0) notes = old.slice(at);
  } catch {
    notes = '<!-- notes -->\n'; // first full run: no notes yet
  }
  mkdirSync(dirname(file), { recursive: true }); // an installed package has no bench/ folder
  writeFileSync(file, `${lines.join('\n')}\n${notes}`);
  console.log(`written: ${file}`);
}
