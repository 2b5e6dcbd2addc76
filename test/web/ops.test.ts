/**
 * For operators, over real HTTP: /healthz answers 200 only when the database, the scheduler and
 * a recent success all hold; /metrics is Prometheus text computed from the database; the server
 * answers oversized headers with 431 and its security headers; and `admin login-link` from the CLI.
 */
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { enqueue, markSent, claimDue } from '../../src/store/outbox.repo.js';
import { insertEvent } from '../../src/store/events.repo.js';
import { markSourceFailed, markSourceHealthy, upsertSource } from '../../src/store/sources.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { startTestWeb, type TestWeb } from './web-helpers.js';

describe('operators', () => {
  let app: TestApp;
  let web: TestWeb | undefined;
  let alive: boolean;

  beforeEach(() => {
    app = createTestApp({ sources: [{ id: 'a', adapter: 'rss', url: 'https://a.example/', interval: '5m' }] });
    upsertSource(app.db, { id: 'a', adapter: 'rss', url: 'https://a.example/' });
    alive = true;
  });
  afterEach(async () => {
    await web?.close();
    web = undefined;
    app.close();
  });
  const start = async () => (web = await startTestWeb(app, { schedulerAlive: () => alive }));
  const health = async () => {
    const res = await fetch(`${web!.url}/healthz`);
    return {
      status: res.status,
      body: (await res.json()) as { ok: boolean; scheduler: boolean; database: boolean; sources: { fresh: boolean }[] },
    };
  };

  it('answers 200 only while the scheduler runs and a source succeeded within three intervals', async () => {
    await start();
    expect((await health()).status).toBe(503); // never polled
    markSourceHealthy(app.db, 'a', new Date(app.clock.now().getTime() - 14 * 60_000).toISOString(), {});
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: true, scheduler: true } });
    // Failing since: still fresh until three intervals have passed without a success.
    markSourceFailed(app.db, 'a', app.clock.now().toISOString(), 'HTTP 503');
    expect((await health()).status).toBe(200);
    app.clock.advance(2 * 60_000);
    expect(await health()).toMatchObject({ status: 503, body: { ok: false, sources: [{ fresh: false }] } });
    app.clock.advance(-2 * 60_000);
    alive = false;
    expect(await health()).toMatchObject({ status: 503, body: { scheduler: false } });
  });

  it('answers 503 when the database does not answer', async () => {
    await start();
    markSourceHealthy(app.db, 'a', app.clock.now().toISOString(), {});
    expect((await health()).status).toBe(200);
    app.db.close();
    const res = await fetch(`${web!.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, database: false });
  });

  it('serves Prometheus metrics computed from the database', async () => {
    const at = app.clock.now().toISOString();
    app.db
      .prepare(`INSERT INTO poll_runs (source_id, started_at, finished_at, outcome) VALUES ('a', ?, ?, 'changed'), ('a', ?, ?, 'failed')`)
      .run(at, at, at, at);
    markSourceHealthy(app.db, 'a', new Date(app.clock.now().getTime() - 90_000).toISOString(), {});
    insertEvent(
      app.db,
      'a',
      {
        key: 'k',
        kind: 'disruption',
        status: 'ongoing',
        title: 't',
        services: [],
        start: null,
        end: null,
        url: null,
        impact: null,
        timeText: null,
        details: null,
        guid: null,
      },
      at,
    );
    const msg = {
      key: 'm',
      kind: 'alert' as const,
      to: 'x@y.example',
      from: 'a@b.example',
      replyTo: null,
      subject: 's',
      html: '',
      text: '',
      headers: {},
      messageId: '<m@x>',
      template: 'alert',
      data: {},
      createdAt: at,
    };
    enqueue(app.db, msg);
    enqueue(app.db, { ...msg, key: 'n', messageId: '<n@x>' });
    claimDue(app.db, at, 1);
    markSent(app.db, 1, new Date(app.clock.now().getTime() + 30_000).toISOString(), 'smtp');
    await start();
    const res = await fetch(`${web!.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('driftkoll_polls_total{source="a",result="changed"} 1');
    expect(text).toContain('driftkoll_polls_total{source="a",result="failed"} 1');
    expect(text).toContain('driftkoll_source_seconds_since_success{source="a"} 90');
    expect(text).toContain('driftkoll_events{kind="disruption",status="ongoing"} 1');
    expect(text).toContain('driftkoll_messages{status="sent"} 1');
    expect(text).toContain('driftkoll_messages{status="queued"} 1');
    expect(text).toContain('driftkoll_delivery_latency_seconds_bucket{le="60"} 1');
    expect(text).toContain('driftkoll_delivery_latency_seconds_bucket{le="15"} 0');
    // A second scrape reads afresh instead of adding up.
    expect(await (await fetch(`${web!.url}/metrics`)).text()).toContain('driftkoll_polls_total{source="a",result="changed"} 1');
  });

  it('answers a request with oversized headers with 431 and the security headers', async () => {
    await start();
    const { port } = new URL(web!.url);
    const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { 'x-big': 'x'.repeat(40_000) } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode!, headers: r.headers });
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(431);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('binds to the host it is given and says which address it bound', async () => {
    await start();
    const { port } = new URL(web!.url);
    expect(web!.bound).toBe(`127.0.0.1:${port}`);
    expect(web!.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('serves the stylesheet as a file with the security headers, and pages link to it', async () => {
    await start();
    const css = await fetch(`${web!.url}/stil.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await css.text()).toContain('font-family');
    const page = await (await fetch(`${web!.url}/`)).text();
    expect(page).toContain('<link rel="stylesheet" href="/stil.css">');
    expect(page).not.toMatch(/<style|style=|<script/);
  });

  it('prints a login link from the CLI for a listed admin, and refuses anyone else with exit 2', async () => {
    writeFileSync(
      join(app.dir, 'driftkoll.yaml'),
      stringify({ database: 'test.db', admins: ['boss@regionuppsala.example'], baseUrl: 'https://drift.example' }),
    );
    const ok = await runCli(['admin', 'login-link', 'Boss@regionuppsala.example'], { cwd: app.dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^https:\/\/drift\.example\/admin\/logga-in\/[A-Za-z0-9_-]{43}\n$/);
    const no = await runCli(['admin', 'login-link', 'someone@else.example'], { cwd: app.dir });
    expect(no.code).toBe(2);
    expect(no.stderr).toMatch(/^driftkoll: someone@else.example is not listed under admins:/);
  });
});
