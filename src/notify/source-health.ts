/**
 * Tells the central team (config.admins) when a source has stayed unreadable past a
 * threshold, and once more when it can be read again: one notice per stretch, never one
 * per poll. Which stretch was announced is kept in settings (`source_down:<id>`), written
 * in the same IMMEDIATE transaction as the notices, so two processes never both tell.
 *
 * Notices go through the outbox like every other mail, as kind `alert` with template
 * `notice` (the outbox's kinds are fixed by a CHECK constraint; a notice is an alert to
 * the team). Their text is plain and short; they are not re-rendered or resent.
 */
import type { SourceConfig } from '../config/load.js';
import type { NewMessage } from '../domain/message.js';
import type { SourceState } from '../domain/source-state.js';
import { formatDateTime } from '../domain/format-sv.js';
import { autoHeaders, makeMessageId, senderDomain } from '../mail/deliver.js';
import { escapeHtml } from '../util/html.js';
import { enqueue } from '../store/outbox.repo.js';
import { getSetting } from '../store/settings.repo.js';
import { listSources } from '../store/sources.repo.js';
import { storedTime } from '../util/time.js';
import type { NotifyDeps } from './compose.js';

/** Consecutive failed polls after which the team is told. */
export const NOTICE_AFTER_FAILURES = 3;
/** Or this long without a successful poll while failing. */
export const NOTICE_AFTER_MS = 30 * 60_000;

const downKey = (id: string) => `source_down:${id}`;

/** Whether a failing source has been failing long enough to tell the team. */
export function pastThreshold(s: SourceState, now: Date): boolean {
  if (s.consecutiveFailures === 0) return false;
  if (s.consecutiveFailures >= NOTICE_AFTER_FAILURES) return true;
  const since = Date.parse(s.lastSuccessAt ?? '');
  return Number.isFinite(since) && now.getTime() - since >= NOTICE_AFTER_MS;
}

/** Enqueues the notices due now; returns how many messages were enqueued. */
export function noticeSourceHealth(deps: Pick<NotifyDeps, 'db' | 'config' | 'clock' | 'logger'>): number {
  const { db, config, clock, logger } = deps;
  if (config.admins.length === 0) return 0;
  const now = clock.now();
  const configured = new Map(config.sources.map((s) => [s.id, s]));
  return db
    .transaction(() => {
      let n = 0;
      for (const s of listSources(db)) {
        const source = configured.get(s.id);
        if (!source) continue;
        const announced = getSetting(db, downKey(s.id));
        if (announced === undefined && pastThreshold(s, now)) {
          // The stretch is named by the last success before it, so a later outage is a new one.
          const stretch = s.lastSuccessAt ?? 'never';
          for (const to of config.admins) n += enqueueNotice(deps, downNotice(deps, source, s, to, stretch)) ? 1 : 0;
          db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
            downKey(s.id),
            stretch,
          );
          logger.warn({ sourceId: s.id, failures: s.consecutiveFailures }, 'source unhealthy past the threshold; admins told');
        } else if (announced !== undefined && s.consecutiveFailures === 0 && s.lastSuccessAt !== null) {
          for (const to of config.admins) n += enqueueNotice(deps, upNotice(deps, source, s, to, announced)) ? 1 : 0;
          db.prepare('DELETE FROM settings WHERE key = ?').run(downKey(s.id));
          logger.info({ sourceId: s.id }, 'source readable again; admins told');
        }
      }
      return n;
    })
    .immediate();
}

function enqueueNotice(deps: Pick<NotifyDeps, 'db'>, msg: NewMessage): boolean {
  return enqueue(deps.db, msg).created;
}

function downNotice(
  deps: Pick<NotifyDeps, 'config' | 'clock'>,
  source: SourceConfig,
  s: SourceState,
  to: string,
  stretch: string,
): NewMessage {
  const now = deps.clock.now();
  const since = s.lastSuccessAt ? `sedan ${formatDateTime(s.lastSuccessAt, now)}` : 'sedan den lades till';
  const lines = [
    `Driftkoll har inte kunnat läsa källan ${source.id} (${source.url}) ${since}.`,
    `Försök i rad som misslyckats: ${s.consecutiveFailures}.`,
    `Senaste felet (tekniskt, på engelska): ${s.lastError ?? 'okänt'}`,
    'Ändringar från källan skickas inte ut förrän den går att läsa igen. Du får ett nytt meddelande när den fungerar.',
  ];
  return notice(deps, `notice:${to.toLowerCase()}:${source.id}:down:${stretch}`, to, `Driftkoll kan inte läsa källan ${source.id}`, lines);
}

function upNotice(
  deps: Pick<NotifyDeps, 'config' | 'clock'>,
  source: SourceConfig,
  s: SourceState,
  to: string,
  stretch: string,
): NewMessage {
  const now = deps.clock.now();
  const lines = [
    `Driftkoll kan läsa källan ${source.id} (${source.url}) igen, sedan ${formatDateTime(s.lastSuccessAt!, now)}.`,
    'Ändringar från källan skickas ut som vanligt igen.',
  ];
  return notice(deps, `notice:${to.toLowerCase()}:${source.id}:up:${stretch}`, to, `Källan ${source.id} fungerar igen`, lines);
}

function notice(deps: Pick<NotifyDeps, 'config' | 'clock'>, key: string, to: string, subject: string, lines: string[]): NewMessage {
  const { config } = deps;
  const oneLine = lines.map((l) => l.replace(/[\r\n]+/g, ' '));
  return {
    key,
    kind: 'alert',
    to,
    from: config.sender.address,
    replyTo: config.sender.replyTo,
    subject: subject.replace(/[\r\n]+/g, ' '),
    html: `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${oneLine
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join('')}</body></html>`,
    text: `${oneLine.join('\n\n')}\n`,
    headers: autoHeaders('notice'),
    messageId: makeMessageId(key, senderDomain(config.sender.address)),
    template: 'notice',
    data: { template: 'notice', to, lines: oneLine },
    createdAt: storedTime(deps.clock.now()),
  };
}
