/**
 * For operators: /healthz (200 only when the database answers, the scheduler runs and a
 * source succeeded within three polling intervals; 503 otherwise) and /metrics (Prometheus,
 * prom-client), both computed from the database on each request.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isSourceHealthy } from '../../domain/source-state.js';
import { intervalOf } from '../../config/load.js';
import { deliveryLatencies, pingDb, storeCounts } from '../../store/browse.repo.js';
import { listSources } from '../../store/sources.repo.js';
import { localIso } from '../../util/time.js';
import { json } from '../http.js';
import type { WebDeps } from '../server.js';

/** A source counts as fresh when it succeeded within this many of its polling intervals. */
const FRESH_INTERVALS = 3;
/** Polling interval assumed for a source in the database but not in the config. */
/** Delivery latency is measured over messages sent in this window. */
const LATENCY_WINDOW_MS = 24 * 3_600_000;

/** Registers /healthz and /metrics. */
export function opsRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const { db, config, logger } = ctx;
  const intervalMs = (id: string) => intervalOf(config, id);

  app.get('/healthz', (_req, reply) => {
    const nowMs = ctx.clock.now().getTime();
    let database = false;
    try {
      database = pingDb(db);
    } catch (err) {
      logger.error({ err }, 'health check: the database does not answer');
    }
    const scheduler = deps.opts.schedulerAlive?.() ?? false;
    const sources = database
      ? listSources(db).map((s) => {
          const fresh = s.lastSuccessAt !== null && nowMs - Date.parse(s.lastSuccessAt) <= FRESH_INTERVALS * intervalMs(s.id);
          return {
            id: s.id,
            healthy: isSourceHealthy(s, { intervalMs: intervalMs(s.id), now: new Date(nowMs) }),
            fresh,
            lastSuccess: localIso(s.lastSuccessAt),
            lastError: s.lastError,
            consecutiveFailures: s.consecutiveFailures,
          };
        })
      : [];
    const ok = database && scheduler && sources.some((s) => s.fresh);
    return json(reply, ok ? 200 : 503, { ok, database, scheduler, sources });
  });

  const registry = new Registry();
  const polls = new Counter({
    name: 'driftkoll_polls_total',
    help: 'Polls by source and result, as recorded in poll_runs.',
    labelNames: ['source', 'result'],
    registers: [registry],
  });
  const sinceSuccess = new Gauge({
    name: 'driftkoll_source_seconds_since_success',
    help: "Seconds since each source's last successful poll (absent: never).",
    labelNames: ['source'],
    registers: [registry],
  });
  const failures = new Gauge({
    name: 'driftkoll_source_consecutive_failures',
    help: 'Failed polls in a row, per source.',
    labelNames: ['source'],
    registers: [registry],
  });
  const events = new Gauge({
    name: 'driftkoll_events',
    help: 'Stored events by kind and status.',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  const messages = new Gauge({
    name: 'driftkoll_messages',
    help: 'Outbox messages by status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'driftkoll_delivery_latency_seconds',
    help: 'Seconds from enqueue to sent, for messages sent in the last 24 hours.',
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  });
  const metrics = [polls, sinceSuccess, failures, events, messages, latency] as { reset(): void }[];

  /** Reads everything afresh: the database is the truth, and another process may have written it. */
  const collect = () => {
    const now = ctx.clock.now();
    const counts = storeCounts(db);
    for (const m of metrics) m.reset();
    for (const p of counts.polls) polls.inc({ source: p.sourceId, result: p.outcome }, p.n);
    for (const s of listSources(db)) {
      failures.set({ source: s.id }, s.consecutiveFailures);
      if (s.lastSuccessAt) sinceSuccess.set({ source: s.id }, Math.max(0, (now.getTime() - Date.parse(s.lastSuccessAt)) / 1000));
    }
    for (const e of counts.events) events.set({ kind: e.kind, status: e.status }, e.n);
    for (const status of ['queued', 'sending', 'sent', 'failed']) messages.set({ status }, 0);
    for (const m of counts.messages) messages.set({ status: m.status }, m.n);
    for (const seconds of deliveryLatencies(db, new Date(now.getTime() - LATENCY_WINDOW_MS).toISOString()))
      latency.observe(Math.max(0, seconds));
  };

  app.get('/metrics', async (_req, reply) => {
    collect();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
