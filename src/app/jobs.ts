/**
 * The work `serve`'s scheduler does, as plain functions: poll a source then alert, send
 * reminders, enqueue the current digest slot, deliver the outbox. `serve` runs them on
 * cron patterns (serve-jobs.ts); `run` runs each once and exits, so cron every few minutes
 * gives the same mail. Nothing here loads the scheduler (node-cron): `run` does not need it.
 */
import type { SourceConfig } from '../config/load.js';
import type { DigestCadence } from '../domain/types.js';
import type { DeliverResult } from '../mail/deliver.js';
import { drainOutbox } from '../mail/drain.js';
import { notifyPending, type NotifyResult } from '../notify/alerts.js';
import { sendDigests, type DigestRunResult } from '../notify/digests.js';
import { sendReminders } from '../notify/reminders.js';
import type { RefreshResult } from '../sources/refresh.js';
import { pollSources } from '../sources/poll.js';
import { listSources } from '../store/sources.repo.js';
import type { AppContext } from './context.js';

/** Polls these sources, then sends the alerts what they found calls for. */
export async function pollAndAlert(ctx: AppContext, sources: SourceConfig[]): Promise<{ polls: RefreshResult[]; alerts: NotifyResult }> {
  const polls = await pollSources(ctx, sources);
  const alerts = await notifyPending(ctx);
  return { polls, alerts };
}

/** Enqueues the reminders due now; returns how many. */
export function remind(ctx: AppContext): Promise<number> {
  return sendReminders(ctx);
}

/** Enqueues the current slot's digests for one cadence, unless already sent (idempotent per slot). */
export function digest(ctx: AppContext, cadence: DigestCadence): Promise<DigestRunResult> {
  return sendDigests(ctx, { cadence });
}

/** Delivers everything due in the outbox. */
export function deliver(ctx: AppContext, signal?: AbortSignal): Promise<DeliverResult> {
  return drainOutbox(ctx, signal);
}

/**
 * How early a source counts as due: cron starts a run a few seconds later or earlier each
 * time, and a source polled at 10:00:03 must still be due at 10:05:01 on a five-minute interval.
 */
export function dueSlackMs(intervalMs: number): number {
  return Math.min(60_000, Math.floor(intervalMs / 5));
}

/** The sources whose interval (less the slack) has passed since their last poll; never-polled ones are due. */
export function dueSources(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, sources = ctx.config.sources): SourceConfig[] {
  const now = ctx.clock.now().getTime();
  const lastPoll = new Map(listSources(ctx.db).map((s) => [s.id, s.lastPollAt]));
  return sources.filter((s) => {
    const last = lastPoll.get(s.id);
    if (!last) return true;
    return now - Date.parse(last) >= s.intervalMs - dueSlackMs(s.intervalMs);
  });
}

export interface RunReport {
  polled: RefreshResult[];
  /** Sources left alone by `--due`: polled within their interval. */
  skipped: string[];
  alerts: NotifyResult;
  reminders: number;
  digests: { daily: DigestRunResult; weekly: DigestRunResult };
  delivered: DeliverResult;
}

/** Everything the scheduler does, once, in the order `serve` does it; `due` polls only the sources that are due. */
export async function runOnce(ctx: AppContext, opts: { due?: boolean; signal?: AbortSignal } = {}): Promise<RunReport> {
  const sources = opts.due ? dueSources(ctx) : ctx.config.sources;
  const skipped = ctx.config.sources.filter((s) => !sources.includes(s)).map((s) => s.id);
  const { polls, alerts } = await pollAndAlert(ctx, sources);
  const reminders = await remind(ctx);
  const daily = await digest(ctx, 'daily');
  const weekly = await digest(ctx, 'weekly');
  const delivered = await deliver(ctx, opts.signal);
  return { polled: polls, skipped, alerts, reminders, digests: { daily, weekly }, delivered };
}

/** True when the run should exit 1: a source failed, or a message failed or waits for a retry. */
export function runFailed(report: RunReport): boolean {
  const d = report.delivered;
  return report.polled.some((p) => p.outcome === 'failed') || d.failed > 0 || d.retried > 0;
}
