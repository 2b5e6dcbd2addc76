/**
 * Run as its own process by the benchmark: `serve`'s working set (context, scheduler jobs,
 * the web module loaded) polling an unchanged source 500 times, each a 304. Prints JSON:
 * resident memory after start and after the polls, CPU time per poll.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContext } from '../app/context.js';
import { buildJobs } from '../app/serve-jobs.js';
import { benchFeed, startFeedServer } from './feed.js';

const polls = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-serve-'));
const feed = await startFeedServer(benchFeed(200));
try {
  writeFileSync(join(dir, 'driftkoll.yaml'), `sources:\n  - { id: feed, adapter: rss, url: "${feed.url}" }\nhttp: { retries: 0 }\n`);
  process.env.DRIFTKOLL_DB = join(dir, 'serve.db');
  process.env.LOG_LEVEL = 'warn';
  const ctx = openContext({ config: join(dir, 'driftkoll.yaml') });
  await import('../web/server.js'); // serve loads the web app too; its code counts
  const poll = buildJobs(ctx).find((j) => j.name === 'poll:feed')!;
  await poll.run(); // the first poll: a baseline of 200 items, as serve does at start
  await poll.run(); // and the first 304
  const rssStart = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < polls; i++) await poll.run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result = {
    polls,
    notModified: feed.counts().notModified,
    rssStartMiB: rssStart / 1048576,
    rssAfterMiB: process.memoryUsage().rss / 1048576,
    cpuMsPerPoll: (cpu.user + cpu.system) / 1000 / polls,
    wallMsPerPoll: wallMs / polls,
  };
  ctx.db.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
}
