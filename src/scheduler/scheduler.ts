/**
 * The scheduler behind `serve`: named jobs on cron patterns (Europe/Stockholm), none of
 * which ever runs twice at once, and a stop that waits for the jobs in flight.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { describeError } from '../domain/errors.js';
import type { Logger } from '../util/logger.js';
import { ZONE } from '../util/time.js';

export interface Job {
  name: string;
  /** node-cron pattern (5 or 6 fields). */
  cron: string;
  /** Random delay before each run, in ms, so many sources do not hit at once. */
  jitterMs?: number;
  run: () => Promise<void>;
}

export interface Scheduler {
  /** Runs a job now unless it is already running; resolves when it finishes. */
  trigger(name: string): Promise<boolean>;
  /** Stops scheduling and waits for jobs in flight. */
  stop(): Promise<void>;
}

/** Turns a polling interval into a cron pattern; rounds to a pattern cron can express. */
export function intervalToCron(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.min(23, Math.round(minutes / 60));
  return `0 */${hours} * * *`;
}

/** Starts every job on its pattern. */
export function startScheduler(jobs: Job[], logger: Logger): Scheduler {
  const running = new Map<string, Promise<void>>();
  const byName = new Map(jobs.map((j) => [j.name, j]));

  const runOnce = (job: Job): Promise<boolean> => {
    if (running.has(job.name)) {
      logger.warn({ job: job.name }, 'job still running; this run is skipped');
      return Promise.resolve(false);
    }
    const started = Date.now();
    const p = job
      .run()
      .then(() => logger.debug({ job: job.name, ms: Date.now() - started }, 'job finished'))
      .catch((err: unknown) => logger.error({ job: job.name, err: describeError(err) }, 'job failed'))
      .finally(() => running.delete(job.name));
    running.set(job.name, p);
    return p.then(() => true);
  };

  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.cron, () => runOnce(job), {
      name: job.name,
      timezone: ZONE,
      noOverlap: true,
      maxRandomDelay: job.jitterMs ?? 0,
      suppressMissedWarning: true,
    }),
  );
  logger.info({ jobs: jobs.map((j) => `${j.name} (${j.cron})`) }, 'scheduler started');

  return {
    trigger: (name) => {
      const job = byName.get(name);
      return job ? runOnce(job) : Promise.resolve(false);
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      await Promise.all(running.values());
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
