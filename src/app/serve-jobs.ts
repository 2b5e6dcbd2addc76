/** `serve`'s scheduler jobs, built from the shared job functions in jobs.ts. */
import { intervalToCron, type Job } from '../scheduler/scheduler.js';
import type { AppContext } from './context.js';
import { deliver, digest, pollAndAlert, remind } from './jobs.js';

/** Runs functions one after another, whichever job calls. */
export function serialiser(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

/** The scheduler's jobs for `serve`: a poll per source (then alerts), reminders, digests and delivery. */
export function buildJobs(ctx: AppContext, signal?: AbortSignal): Job[] {
  const exclusive = serialiser();
  const deliverJob = async () => void (await deliver(ctx, signal));
  const pollJobs: Job[] = ctx.config.sources.map((source) => ({
    name: `poll:${source.id}`,
    cron: intervalToCron(source.intervalMs),
    jitterMs: Math.min(ctx.config.polling.jitterMs, Math.floor(source.intervalMs / 4)),
    run: async () => {
      await exclusive(() => pollAndAlert(ctx, [source]));
      await deliverJob();
    },
  }));
  return [
    ...pollJobs,
    { name: 'reminders', cron: '*/15 * * * *', run: async () => void (await exclusive(() => remind(ctx))) },
    { name: 'digest:daily', cron: ctx.config.schedules.digest, run: async () => void (await exclusive(() => digest(ctx, 'daily'))) },
    {
      name: 'digest:weekly',
      cron: ctx.config.schedules.weeklyDigest,
      run: async () => void (await exclusive(() => digest(ctx, 'weekly'))),
    },
    { name: 'deliver', cron: '* * * * *', run: deliverJob },
  ];
}
