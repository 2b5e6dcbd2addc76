/**
 * Digest fan-out: `n` recipients, each with their own digest rendered, enqueued and delivered
 * to a loopback sink that accepts and discards, against the limit: a bare nodemailer loop
 * sending one prebuilt message `n` times over the same kind of pool, one message at a time
 * (as the outbox worker sends: claim one, send it, record it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Nodemailer from 'nodemailer';
import { drainOutbox } from '../mail/drain.js';
import { loadConfig } from '../config/load.js';
import { importDirectory } from '../directory/import.js';
import { Catalogue } from '../domain/services.js';
import { createRenderer } from '../mail/render.js';
import { sendDigests } from '../notify/digests.js';
import { refreshSource } from '../sources/refresh.js';
import { openDb } from '../store/db.js';
import { silentLogger } from '../util/logger.js';
import { packagePath } from '../util/paths.js';
import { startSmtpSink } from './smtp-sink.js';

export interface FanoutResult {
  recipients: number;
  renderMs: number;
  deliverMs: number;
  /** Rendered, enqueued and delivered, per second. */
  perSecond: number;
  /** The bare nodemailer loop, per second. */
  limitPerSecond: number;
  /** The same two rates per second of this process's CPU time (the sink included in both): steadier on a busy machine. */
  perCpuSecond: number;
  limitPerCpuSecond: number;
  received: number;
}

/** The three demo pages, polled once from memory, so digests have content. */
async function seed(ctx: Parameters<typeof refreshSource>[0]): Promise<void> {
  for (const [id, file] of [
    ['inera-driftstatus', 'driftstatus.html'],
    ['inera-kommande-atgarder', 'kommande-atgarder.html'],
    ['inera-planeringskalendern', 'planeringskalendern.html'],
  ] as const) {
    const body = readFileSync(packagePath('demo', 'pages', file), 'utf8');
    const source = ctx.config.sources.find((s) => s.id === id)!;
    const page = { kind: 'ok' as const, status: 200, body, etag: null, lastModified: null, contentType: 'text/html', charset: 'utf-8' };
    await refreshSource({ ...ctx, fetch: async (url) => ({ ...page, url, bytes: body.length, attempts: 1 }) }, source);
  }
}

/** `n` contacts following every service; one digest slot rendered, enqueued and delivered. */
/** A directory of `n` administrations, one contact each, every one following all services. */
export function benchDirectory(n: number): Parameters<typeof importDirectory>[1] {
  return {
    region: 'Bench',
    timezone: 'Europe/Stockholm',
    administrations: Array.from({ length: n }, (_, i) => ({
      id: `unit-${i}`,
      name: `Förvaltning ${i}`,
      contacts: [{ role: 'Kontaktperson', email: `person${i}@bench.example` }],
      services: 'all' as const,
    })),
    objects: [],
  } as Parameters<typeof importDirectory>[1];
}

export async function benchFanout(n: number): Promise<FanoutResult> {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-bench-'));
  const smtp = await startSmtpSink();
  try {
    const config = loadConfig({ env: { DRIFTKOLL_DB: join(dir, 'bench.db'), SMTP_URL: smtp.url }, cwd: dir });
    const db = openDb(config.databasePath);
    const clock = { now: () => new Date('2026-11-24T09:30:00+01:00') };
    const ctx = { db, config, clock, catalogue: Catalogue.load(), logger: silentLogger() };
    await seed(ctx);
    importDirectory(db, benchDirectory(n));
    const deps = { ...ctx, renderer: createRenderer() };
    clock.now = () => new Date('2026-11-25T07:30:00+01:00');
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const c = process.cpuUsage(since);
      return (c.user + c.system) / 1000;
    };
    const c0 = process.cpuUsage();
    let t0 = performance.now();
    await sendDigests(deps);
    const renderMs = performance.now() - t0;
    t0 = performance.now();
    await drainOutbox(ctx);
    const deliverMs = performance.now() - t0;
    const ourCpuMs = cpuMs(c0);
    const received = smtp.received();
    const sample = db.prepare('SELECT subject, html, text FROM outbox JOIN outbox_bodies ON outbox_id = id ORDER BY id LIMIT 1').get() as {
      subject: string;
      html: string;
      text: string;
    };
    db.close();

    // The limit: one prebuilt message, the same pool settings, one send at a time.
    const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
    const mailer = nodemailer.createTransport({ url: smtp.url, pool: true, logger: false });
    const message = { from: 'bench@bench.example', to: 'someone@bench.example', ...sample };
    const c1 = process.cpuUsage();
    t0 = performance.now();
    for (let i = 0; i < n; i++) await mailer.sendMail(message);
    const limitMs = performance.now() - t0;
    const limitCpuMs = cpuMs(c1);
    mailer.close();
    return {
      recipients: n,
      renderMs,
      deliverMs,
      perSecond: (received / (renderMs + deliverMs)) * 1000,
      limitPerSecond: (n / limitMs) * 1000,
      perCpuSecond: (received / ourCpuMs) * 1000,
      limitPerCpuSecond: (n / limitCpuMs) * 1000,
      received,
    };
  } finally {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
