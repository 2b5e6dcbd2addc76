/** CLI actions for the polling pipeline: parse, poll, events, changes. */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../domain/errors.js';
import { changeJson, eventJson, itemJson, sourceJson, unpolledSourceJson } from '../../domain/present.js';
import type { RefreshResult } from '../../sources/refresh.js';
import { intervalOf } from '../../config/load.js';
import { listChanges } from '../../store/changes.repo.js';
import { listEvents } from '../../store/events.repo.js';
import { listSources } from '../../store/sources.repo.js';
import { count } from '../../util/plural.js';
import { baseContext, openContext, openExistingContext } from '../../app/context.js';
import type { GlobalOptions } from '../options.js';

/** `parse`: normalised items of one file as JSON, no database. */
export async function parseCommand(opts: GlobalOptions & { adapter: string; file: string; url?: string }): Promise<number> {
  // Polling code loads only for the commands that poll or parse, not for the read-only ones.
  const { ADAPTER_NAMES, getAdapter } = await import('../../sources/adapters/index.js');
  const { keyItems } = await import('../../sources/identity.js');
  const { decodeBody } = await import('../../sources/fetch.js');
  const adapter = getAdapter(opts.adapter);
  if (!adapter) throw new UsageError(`unknown adapter "${opts.adapter}"; known: ${ADAPTER_NAMES.join(', ')}`);
  let raw: Buffer;
  try {
    raw = readFileSync(opts.file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${opts.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')}`,
    );
  }
  // Decoded by the page's own declaration (BOM, <meta charset>, XML declaration), exactly as a fetched page is.
  const body = decodeBody(raw, null).text;
  const ctx = baseContext(opts);
  const configured = ctx.config.sources.find((s) => s.adapter === opts.adapter);
  const url = opts.url ?? configured?.url ?? 'https://www.inera.se/';
  const result = await adapter.parse(body, { url, now: ctx.clock.now(), catalogue: ctx.catalogue, options: configured ?? {} });
  for (const w of result.warnings) ctx.logger.warn({ warning: w }, 'item skipped');
  const out = keyItems(result.items, configured ?? {}).map(({ fields, item }) =>
    itemJson(fields, configured?.id ?? opts.adapter, item.unknownServices),
  );
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

/** `poll`: one poll of all (or one) sources; exit 1 when any failed. */
export async function pollCommand(opts: GlobalOptions & { source?: string; json?: boolean }): Promise<number> {
  const ctx = openContext(opts);
  try {
    const sources = opts.source ? ctx.config.sources.filter((s) => s.id === opts.source) : ctx.config.sources;
    if (sources.length === 0) {
      throw new UsageError(`no source "${opts.source}"; configured: ${ctx.config.sources.map((s) => s.id).join(', ')}`);
    }
    const { pollSources } = await import('../../sources/poll.js');
    const results = await pollSources(ctx, sources);
    if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else for (const r of results) process.stdout.write(`${describeResult(r)}\n`);
    return results.some((r) => r.outcome === 'failed') ? 1 : 0;
  } finally {
    ctx.db.close();
  }
}

function describeResult(r: RefreshResult): string {
  if (r.outcome === 'failed') return `${r.sourceId}: FAILED: ${r.error}`;
  if (r.outcome === 'not-modified') return `${r.sourceId}: not modified`;
  const what = r.baseline ? 'baseline of' : 'found';
  return `${r.sourceId}: ${what} ${count(r.items ?? 0, 'item')}, ${count(r.changes, 'change')} recorded`;
}

/**
 * `sources --json`: each source's health (last success, last failure and why, items, unknown
 * services). Every configured source is listed, also before its first poll ("not polled yet");
 * a source polled once but no longer configured stays listed with its last state.
 */
export function sourcesCommand(opts: GlobalOptions & { json?: boolean }): number {
  const ctx = openExistingContext(opts);
  try {
    const now = ctx.clock.now();
    const stored = listSources(ctx.db).map((s) => sourceJson(s, { intervalMs: intervalOf(ctx.config, s.id), now }));
    const rows = [
      ...ctx.config.sources.map((s) => stored.find((r) => r.id === s.id) ?? unpolledSourceJson(s)),
      ...stored.filter((r) => !ctx.config.sources.some((s) => s.id === r.id)),
    ];
    if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else
      for (const r of rows) {
        const state = !r.polled
          ? 'not polled yet'
          : r.healthy
            ? `ok, ${count(r.itemsFound ?? 0, 'item')}`
            : `FAILING x${r.consecutiveFailures}: ${r.lastError ?? 'never read successfully'}`;
        process.stdout.write(`${r.id}\t${state}${r.unknownServices.length ? `\tunknown services: ${r.unknownServices.join(', ')}` : ''}\n`);
      }
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `events --json`: every stored event. */
export function eventsCommand(opts: GlobalOptions & { json?: boolean }): number {
  const ctx = openExistingContext(opts);
  try {
    const events = listEvents(ctx.db);
    if (opts.json) process.stdout.write(`${JSON.stringify(events.map(eventJson), null, 2)}\n`);
    else for (const e of events) process.stdout.write(`${e.id}\t${e.kind}\t${e.status}\t${e.start ?? '-'}\t${e.title}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}

/** `changes --json [--since ISO]`: the change history. */
export function changesCommand(opts: GlobalOptions & { json?: boolean; since?: string }): number {
  let since: Date | undefined;
  if (opts.since) {
    since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since is not an ISO time: ${opts.since}`);
  }
  const ctx = openExistingContext(opts);
  try {
    const changes = listChanges(ctx.db, { since });
    if (opts.json) process.stdout.write(`${JSON.stringify(changes.map(changeJson), null, 2)}\n`);
    else for (const c of changes) process.stdout.write(`${c.id}\t${c.at}\tevent ${c.eventId}\t${c.type}\t${c.fields.join(',')}\n`);
    return 0;
  } finally {
    ctx.db.close();
  }
}
