/**
 * `serve`: the main job. Polls every source on its interval and alerts right after,
 * sends reminders, runs digests on schedule and drains the outbox, and serves the web app.
 * Jobs that read and write events run one at a time, so a digest never sees half a poll.
 */
import { assertCron } from '../../notify/slots.js';
import { startScheduler } from '../../scheduler/scheduler.js';
import { buildJobs } from '../../app/serve-jobs.js';
import { UsageError } from '../../domain/errors.js';
import { formatImportReport, importDirectory, readDirectoryFile } from '../../directory/import.js';
import { startWebServer } from '../../web/server.js';
import { openContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';
import { requeueStuck } from '../../store/outbox.repo.js';
import { logStartWarnings } from '../../app/warnings.js';
import { acquireSchedulerLease } from '../../scheduler/lease.js';

/** Starts the scheduler, polls every source once at start, and runs until SIGTERM/SIGINT. */
export async function serveCommand(opts: GlobalOptions & { once?: boolean }): Promise<number> {
  const ctx = openContext(opts);
  const { logger, config } = ctx;
  try {
    assertCron(config.schedules.digest, 'schedules.digest');
    assertCron(config.schedules.weeklyDigest, 'schedules.weeklyDigest');
  } catch (err) {
    throw new UsageError(`${config.origin}: ${(err as Error).message}`);
  }
  logger.info(
    {
      config: config.origin,
      database: config.databasePath,
      sources: config.sources.map((s) => s.id),
      smtp: config.smtpUrl ? 'configured' : 'local outbox',
    },
    'driftkoll starting',
  );
  // One scheduler per database: a second serve stops here, before it polls or sends anything.
  const lease = acquireSchedulerLease(ctx.db, { logger });
  if (config.directoryPath) {
    // The configured directory file is the source of truth: load it (all or nothing) at start.
    const report = importDirectory(ctx.db, readDirectoryFile(config.directoryPath, ctx.catalogue));
    logger.info({ file: config.directoryPath, changes: formatImportReport(report) }, 'directory loaded');
  }
  logStartWarnings(ctx);
  // This process is the outbox's worker: what an earlier run left `sending` died with it.
  // (A CLI command sending at this very moment may see its one message go out twice:
  // at-least-once allows that, a lost message it does not.)
  const stuck = requeueStuck(ctx.db);
  if (stuck) logger.warn({ messages: stuck }, 'messages left sending by a crashed run returned to the queue');
  const stopping = new AbortController();
  const jobs = buildJobs(ctx, stopping.signal);
  // Listen for a stop before the first polls: offline they can take a while.
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  }).then((signal) => {
    logger.info({ signal }, 'stopping: finishing the jobs in flight');
    stopping.abort();
  });
  const scheduler = startScheduler(jobs, logger);
  let schedulerRunning = true;
  const web = await startWebServer(ctx, {
    port: config.port,
    // HOST picks the interface (e.g. 127.0.0.1 behind a proxy); default every interface.
    host: process.env.HOST?.trim() || undefined,
    schedulerAlive: () => schedulerRunning,
    pollNow: async (sourceId) => void (await scheduler.trigger(`poll:${sourceId}`)),
  }).catch(async (err: unknown) => {
    // Without the web app the unsubscribe links in sent mail are dead: stop rather than run half.
    await scheduler.stop();
    lease.release();
    ctx.db.close();
    throw err;
  });
  logger.info({ address: web.bound, url: web.url }, 'web app listening');
  // Poll everything once at start, so an operator sees at once whether the sources answer.
  await Promise.race([
    Promise.all(jobs.filter((j) => j.name.startsWith('poll:')).map((j) => scheduler.trigger(j.name))).then(() =>
      scheduler.trigger('reminders'),
    ),
    stopped,
  ]);
  if (!opts.once) await stopped;
  // Delivery finishes the message in flight and puts the rest back; other jobs run to the end.
  stopping.abort();
  schedulerRunning = false;
  await web.close();
  await scheduler.stop();
  lease.release();
  ctx.db.close();
  logger.info('stopped');
  return 0;
}
