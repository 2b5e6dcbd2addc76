/**
 * `run [--due] [--json]`: what `serve`'s scheduler does, once, for cron or a systemd timer.
 * Polls the sources (all, or with --due those whose interval has passed), alerts, sends the
 * reminders due, enqueues the current digest slot if it has not gone out, delivers, exits.
 */
import { runFailed, runOnce, type RunReport } from '../../app/jobs.js';
import { openContext } from '../../app/context.js';
import { UsageError } from '../../domain/errors.js';
import { assertCron } from '../../notify/slots.js';
import type { GlobalOptions } from '../options.js';

/** One line per step, for a person reading cron's mail. */
function describe(r: RunReport): string[] {
  const lines = r.polled.map((p) => {
    if (p.outcome === 'failed') return `${p.sourceId}: FAILED: ${p.error}`;
    if (p.outcome === 'not-modified') return `${p.sourceId}: not modified`;
    return `${p.sourceId}: ${p.baseline ? 'baseline of' : 'found'} ${p.items} items, ${p.changes} changes recorded`;
  });
  for (const id of r.skipped) lines.push(`${id}: not due`);
  const { daily, weekly } = r.digests;
  lines.push(
    `notify: ${r.alerts.changes} changes handled, ${r.alerts.alerts} alerts and ${r.reminders} reminders enqueued`,
    `digest: ${daily.enqueued + weekly.enqueued} enqueued (${daily.alreadySent + weekly.alreadySent} already sent this slot)`,
    `delivered: ${r.delivered.sent} sent, ${r.delivered.retried} to retry, ${r.delivered.failed} failed`,
  );
  return lines;
}

/** Runs every job once; exit 1 when a source or a send failed. */
export async function runCommand(opts: GlobalOptions & { due?: boolean; json?: boolean }): Promise<number> {
  const ctx = openContext(opts);
  try {
    const { config } = ctx;
    try {
      assertCron(config.schedules.digest, 'schedules.digest');
      assertCron(config.schedules.weeklyDigest, 'schedules.weeklyDigest');
    } catch (err) {
      throw new UsageError(`${config.origin}: ${(err as Error).message}`);
    }
    if (config.directoryPath) {
      // As at serve's start: the configured directory file is the source of truth (all or nothing).
      const { formatImportReport, importDirectory, readDirectoryFile } = await import('../../directory/import.js');
      const report = importDirectory(ctx.db, readDirectoryFile(config.directoryPath, ctx.catalogue));
      ctx.logger.debug({ file: config.directoryPath, changes: formatImportReport(report) }, 'directory loaded');
    }
    const report = await runOnce(ctx, { due: opts.due });
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${describe(report).join('\n')}\n`);
    return runFailed(report) ? 1 : 0;
  } finally {
    ctx.db.close();
  }
}
