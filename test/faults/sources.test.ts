/**
 * A source misbehaving in every way the trial could think of. For each: after a healthy
 * baseline with one ongoing disruption, the bad answer must cause no change and no mail,
 * and leave the source unhealthy with its reason. Then: the admins are told once when a
 * source stays unhealthy past the threshold, and once when it recovers.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { isSourceHealthy } from '../../src/domain/source-state.js';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import { fetchPage } from '../../src/sources/fetch.js';
import { refreshSource } from '../../src/sources/refresh.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { getSource } from '../../src/store/sources.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startPageServer, type PageServer, type Reply } from '../helpers/page-server.js';
import { chromeOnlyPage, deepPage, feed, feedItem, oneUnitDirectory, page, row } from './pages.js';

const renderer = createRenderer();
const GOOD = page([row('Störning i 1177 journal', 'Pågående')]);
let app: TestApp | undefined;
let pages: PageServer | undefined;
let tcp: TcpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  app?.close();
  await pages?.close();
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((r) => (tcp ? tcp.close(() => r()) : r()));
  app = pages = tcp = undefined;
});

async function setup(opts: { adapter?: string; http?: Record<string, unknown>; url?: (p: PageServer) => string } = {}) {
  pages = await startPageServer();
  app = createTestApp({
    sources: [{ id: 'drift', adapter: opts.adapter ?? 'inera-driftstatus', url: opts.url?.(pages) ?? pages.url('/drift') }],
    http: { retries: 0, timeout: '1s', ...opts.http },
    admins: ['team@region.example'],
  });
  oneUnitDirectory(app, ['anna@region.example']);
  return { pages, app };
}

const poll = (a: TestApp, fetch?: typeof fetchPage) => refreshSource(fetch ? { ...a, fetch } : a, a.config.sources[0]!);
const counts = (a: TestApp) => ({
  changes: (a.db.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n,
  events: a.db.prepare('SELECT title, status, missing_polls AS missing FROM events ORDER BY id').all(),
});

/** A TCP server that takes connections and then says nothing (or only part of an answer). */
async function silentServer(first = ''): Promise<string> {
  tcp = createTcpServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {}); // the client hangs up on its timeout: expected
    if (first) socket.write(first);
  });
  await new Promise<void>((r) => tcp!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(tcp.address() as AddressInfo).port}/`;
}

interface Case {
  name: string;
  reply?: Reply | (() => Reply);
  /** Extra setup; returns a fetch seam or a URL to use instead. */
  reason: RegExp;
  http?: Record<string, unknown>;
  url?: () => Promise<string>;
  fetch?: typeof fetchPage;
}

const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MB of spaces in about 64 KB

const CASES: Case[] = [
  { name: 'HTTP 500', reply: { status: 500, body: 'oops' }, reason: /HTTP 500/ },
  {
    name: '503 with Retry-After (honoured, then still 503)',
    reply: { status: 503, headers: { 'retry-after': '1' }, body: 'busy' },
    http: { retries: 1 },
    reason: /HTTP 503.*after 2 attempts/,
  },
  { name: '429', reply: { status: 429, headers: { 'retry-after': '0' } }, reason: /HTTP 429/ },
  { name: 'a hang before any answer', url: () => silentServer(), reason: /timed out after 1000 ms/ },
  {
    name: 'a hang in the middle of the body',
    url: () => silentServer('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 100000\r\n\r\n<html><body>'),
    reason: /timed out after 1000 ms/,
  },
  { name: 'a 50 MB body', reply: { body: Buffer.alloc(50 * 1024 * 1024, 0x20) }, reason: /larger than 5242880 bytes/ },
  { name: 'a gzip bomb', reply: { body: bomb, headers: { 'content-encoding': 'gzip' } }, reason: /larger than 5242880 bytes \(at least/ },
  { name: 'a redirect loop', reply: { status: 302, headers: { location: '/drift' } }, reason: /too many redirects/ },
  {
    name: 'a redirect to the cloud metadata address',
    reply: { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    // The test server stands for a public host.
    fetch: (url, o) => fetchPage(url, { ...o, resolveHost: async (h) => (h === '127.0.0.1' ? ['93.184.216.34'] : [h]) }),
    reason: /refused a redirect .* internal address/,
  },
  {
    name: 'invalid UTF-8',
    reply: { body: Buffer.concat([Buffer.from(GOOD.replace('Störning', 'St')), Buffer.from([0xff, 0xfe, 0xc3])]) },
    reason: /not valid UTF-8/,
  },
  {
    name: 'Latin-1 without a charset',
    reply: { body: Buffer.from(GOOD.replace('<meta charset="utf-8">', ''), 'latin1'), headers: { 'content-type': 'text/html' } },
    reason: /not valid UTF-8/,
  },
  { name: 'truncated HTML', reply: { body: GOOD.slice(0, Math.floor(GOOD.length * 0.6)) }, reason: /truncated/ },
  {
    name: 'a maintenance page',
    reply: {
      status: 200,
      body: '<!DOCTYPE html><html><body><h1>Sidan är tillfälligt stängd för underhåll</h1><p>Välkommen tillbaka senare.</p></body></html>',
    },
    reason: /no recognisable items/,
  },
  { name: 'chrome without items', reply: { body: chromeOnlyPage('Driftstatus') }, reason: /no recognisable items/ },
  {
    name: 'a JavaScript-only shell',
    reply: {
      body: '<!DOCTYPE html><html><head><script src="/app.js"></script></head><body><div id="root"></div><noscript>Aktivera JavaScript</noscript></body></html>',
    },
    reason: /no recognisable items/,
  },
  { name: 'deep nesting', reply: { body: deepPage(20_000) }, reason: /levels deep/ },
];

describe('a misbehaving source: no change, no mail, unhealthy with its reason', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const url = c.url ? await c.url() : undefined;
      const { pages, app } = await setup({ http: c.http, url: url ? () => url : undefined });
      pages.set({ body: GOOD });
      if (url) {
        // The baseline comes from a good server; the bad one stands in for it afterwards.
        await refreshSource(app, { ...app.config.sources[0]!, url: pages.url('/drift') });
      } else {
        await poll(app);
      }
      const before = counts(app);
      expect(before.events).toHaveLength(1);
      if (c.reply) pages.set(typeof c.reply === 'function' ? c.reply() : c.reply);
      for (let i = 0; i < 3; i++) {
        app.clock.advance(5 * 60_000);
        const r = await poll(app, c.fetch);
        expect(r.outcome, r.error ?? '').toBe('failed');
        expect(r.error).toMatch(c.reason);
      }
      expect(counts(app)).toEqual(before);
      const s = getSource(app.db, 'drift')!;
      expect(isSourceHealthy(s, { intervalMs: 300_000, now: app.clock.now() })).toBe(false);
      expect(s.lastError).toMatch(c.reason);
      await notifyPending({ ...app, renderer });
      // No alert to anyone; the only mail is the team's notice that the source is down.
      expect(listMessages(app.db).map((m) => [m.to, m.template])).toEqual([['team@region.example', 'notice']]);
    });
  }

  it('an RSS feed whose GUIDs change on every fetch: no false change, healthy', async () => {
    const { pages, app } = await setup({ adapter: 'rss' });
    const serve = () =>
      pages.set({
        body: feed([feedItem({ title: 'Störning i 1177 journal', guid: `urn:uuid:${crypto.randomUUID()}` })]),
        headers: { 'content-type': 'application/rss+xml' },
      });
    serve();
    await poll(app);
    const before = counts(app);
    for (let i = 0; i < 4; i++) {
      serve();
      app.clock.advance(5 * 60_000);
      expect((await poll(app)).outcome).toBe('unchanged');
    }
    expect(counts(app)).toEqual(before);
    expect(isSourceHealthy(getSource(app.db, 'drift')!, { intervalMs: 300_000, now: app.clock.now() })).toBe(true);
    await notifyPending({ ...app, renderer });
    expect(listMessages(app.db)).toEqual([]);
  });
});

describe('the team hears about a source once when it goes down and once when it recovers', () => {
  it('after three failures, not on every poll, and again on recovery', async () => {
    const { pages, app } = await setup();
    pages.set({ body: GOOD });
    await poll(app);
    pages.set({ status: 500 });
    const notices = () =>
      listMessages(app.db)
        .filter((m) => m.template === 'notice')
        .sort((a, b) => a.id - b.id);
    for (let i = 1; i <= 6; i++) {
      app.clock.advance(5 * 60_000);
      await poll(app);
      await notifyPending({ ...app, renderer });
      expect(notices(), `after failure ${i}`).toHaveLength(i < 3 ? 0 : 1);
    }
    expect(notices()[0]).toMatchObject({
      to: 'team@region.example',
      subject: 'Driftkoll kan inte läsa källan drift',
      text: expect.stringMatching(/har inte kunnat läsa källan drift .* sedan[\s\S]*Försök i rad som misslyckats: 3[\s\S]*HTTP 500/),
    });
    pages.set({ body: GOOD });
    for (let i = 0; i < 3; i++) {
      app.clock.advance(5 * 60_000);
      await poll(app);
      await notifyPending({ ...app, renderer });
    }
    expect(notices().map((m) => m.subject)).toEqual(['Driftkoll kan inte läsa källan drift', 'Källan drift fungerar igen']);
    // A later outage is a new stretch, told again.
    pages.set({ status: 500 });
    for (let i = 0; i < 4; i++) {
      app.clock.advance(5 * 60_000);
      await poll(app);
      await notifyPending({ ...app, renderer });
    }
    expect(notices()).toHaveLength(3);
  });
});
