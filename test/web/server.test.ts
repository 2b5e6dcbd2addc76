/**
 * The web app over real HTTP on loopback, on a real SQLite file with the sample directory:
 * one-click unsubscribe, GET that never acts, forged tokens, escaping, headers, body cap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { addressToken } from '../../src/notify/links.js';
import type { EventFields } from '../../src/domain/event.js';
import { insertEvent } from '../../src/store/events.repo.js';
import { ensureSecret } from '../../src/store/settings.repo.js';
import { markSourceFailed, markSourceHealthy, upsertSource } from '../../src/store/sources.repo.js';
import { isSuppressed, upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { startWebServer, type WebContext, type WebServer } from '../../src/web/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const CONTACT = 'smittskydd@regionuppsala.example';
const REPLY_TO = 'hjalp@regionuppsala.example';

const event: EventFields = {
  key: 'url:a',
  kind: 'disruption',
  status: 'ongoing',
  title: 'Störning i 1177 journal',
  services: ['1177-journal'],
  start: '2026-11-24T08:40:00+01:00',
  end: null,
  url: 'https://www.inera.se/driftstatus/pagaende/journal/',
  impact: 'Invånare ser inte nya journalanteckningar.',
  timeText: null,
  details: null,
  guid: null,
};

describe('web app', () => {
  let app: TestApp;
  let web: WebServer;
  let logs: string[];
  let secret: string;

  beforeEach(async () => {
    app = createTestApp({
      sender: { name: 'Invånartjänster e-hälsa, Region Uppsala', address: 'noreply@regionuppsala.example', replyTo: REPLY_TO },
    });
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    logs = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const ctx: WebContext = { config: app.config, clock: app.clock, logger, catalogue: app.catalogue, db: app.db };
    web = await startWebServer(ctx, { port: 0, host: '127.0.0.1', schedulerAlive: () => true });
    secret = ensureSecret(app.db);
  });
  afterEach(async () => {
    await web.close();
    app.close();
  });

  const get = (path: string) => fetch(`${web.url}${path}`, { redirect: 'manual' });
  // As a browser posts our own forms: with our Origin (the one-click POST of a mail client has none).
  const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(`${web.url}${path}`, { method: 'POST', body, headers: { 'content-type': type, origin: web.url }, redirect: 'manual' });
  const token = (email = CONTACT) => addressToken(email, secret);

  it('unsubscribes on an RFC 8058 one-click POST with 200 and plain text, idempotently, and never logs the token', async () => {
    const res = await post(`/avsluta/${token()}`, 'List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toContain('Du får inga fler mejl');
    expect(isSuppressed(app.db, CONTACT)).toBe(true);
    const first = app.db.prepare('SELECT reason, created_at FROM suppressions WHERE email = ?').get(CONTACT) as
      { reason: string } | undefined;
    expect(first?.reason).toBe('unsubscribed via link');

    app.clock.advance(60_000);
    expect((await post(`/avsluta/${token()}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect(app.db.prepare('SELECT reason, created_at FROM suppressions WHERE email = ?').get(CONTACT)).toEqual(first);

    expect(logs.join('')).toContain('unsubscribed via link');
    expect(logs.join('')).toContain('"units":["smittskyddsenheten"]');
    expect(logs.join('')).not.toContain(token());
    expect(logs.join('')).not.toContain(CONTACT);
  });

  it('only asks on GET (and HEAD), naming the address; nothing is suppressed', async () => {
    const res = await get(`/avsluta/${token()}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(CONTACT);
    expect(page).toContain(
      'Du får inga fler mejl från Invånartjänster e-hälsa, Region Uppsala: varken utskick till din förvaltning eller bevakningar du valt.',
    );
    expect(page).not.toContain('driftkoll');
    expect(page).toMatch(
      new RegExp(
        `<form method="post" action="/avsluta/${token().replace('.', '\\.')}">\\s*<button type="submit">Avsluta utskicken</button>`,
      ),
    );
    expect((await fetch(`${web.url}/avsluta/${token()}`, { method: 'HEAD' })).status).toBe(200);
    expect(isSuppressed(app.db, CONTACT)).toBe(false);
  });

  it('answers the button with 303 to the subscription page, which offers to start again', async () => {
    const res = await post(`/avsluta/${token()}`, '');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/prenumeration/${token()}`);
    expect(isSuppressed(app.db, CONTACT)).toBe(true);

    const page = await (await get(`/prenumeration/${token()}`)).text();
    expect(page).toContain('Du har avslutat utskicken.');
    expect(page).toContain('Du får utskick som handläggare för Smittskyddsenheten');
    expect(page).toContain(`action="/prenumeration/${token()}/starta"`);
    expect(page).toContain(`mailto:${REPLY_TO}`);

    const again = await post(`/prenumeration/${token()}/starta`, '');
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/prenumeration/${token()}`);
    expect(isSuppressed(app.db, CONTACT)).toBe(false);
    expect(await (await get(`/prenumeration/${token()}`)).text()).toContain('<button type="submit">Avsluta utskicken</button>');
  });

  it('shows a subscriber’s services, cadence and kinds in Swedish', async () => {
    const email = 'anna@staff.example';
    upsertSubscription(
      app.db,
      { email, services: ['1177-journal', 'npo'], cadence: 'daily', kinds: ['disruption', 'maintenance'], confirmed: true },
      app.clock.now().toISOString(),
    );
    const page = await (await get(`/prenumeration/${token(email)}`)).text();
    expect(page).toContain('<li>1177 journal</li>');
    expect(page).toContain('Hur ofta: dagligen. Om: störningar och servicefönster.');
    expect(page).not.toContain('Som kontaktperson');
  });

  it('answers a forged, tampered or truncated token with 404 "Länken fungerar inte" and acts on nothing', async () => {
    const forged = addressToken(CONTACT, 'not-the-secret');
    const [, mac] = token('someone@else.example').split('.');
    const tampered = `${token().split('.')[0]}.${mac}`;
    for (const bad of [forged, tampered, token().slice(0, -3), 'x', 'a.b', '']) {
      const page = await get(`/avsluta/${bad}`);
      expect(page.status).toBe(404);
      const text = await page.text();
      expect(text).toContain('Länken fungerar inte');
      expect(text).toContain(REPLY_TO);
      expect((await post(`/avsluta/${bad}`, 'List-Unsubscribe=One-Click')).status).toBe(404);
      expect((await get(`/prenumeration/${bad}`)).status).toBe(404);
      expect((await post(`/prenumeration/${bad}/starta`, '')).status).toBe(404);
    }
    expect(isSuppressed(app.db, CONTACT)).toBe(false);
  });

  it('shows ongoing disruptions and the next 14 days’ windows, escaping scraped text', async () => {
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
    const at = app.clock.now().toISOString();
    markSourceHealthy(app.db, 's', at, {});
    insertEvent(app.db, 's', event, at);
    insertEvent(
      app.db,
      's',
      {
        ...event,
        key: 'url:x',
        title: '<script>alert(1)</script> & "NPÖ"',
        services: ['npo'],
        url: 'javascript:alert(1)',
        end: '2026-11-24T12:00:00+01:00',
      },
      at,
    );
    insertEvent(
      app.db,
      's',
      {
        ...event,
        key: 'url:w',
        kind: 'maintenance',
        status: 'planned',
        title: 'Servicefönster i NTjP',
        services: ['ntjp'],
        start: '2026-11-26T22:00:00+01:00',
        end: '2026-11-27T02:00:00+01:00',
        url: null,
        impact: null,
      },
      at,
    );
    insertEvent(
      app.db,
      's',
      {
        ...event,
        key: 'url:far',
        kind: 'release',
        status: 'planned',
        title: 'Release om en månad',
        start: '2027-01-10T08:00:00+01:00',
        end: null,
      },
      at,
    );

    const res = await get('/');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>Driftläget för <span class="nowrap">e-tjänster</span></h1>');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;NPÖ&quot;');
    expect(page).not.toContain('javascript:');
    expect(page).toContain('Gäller: 1177 journal');
    expect(page).toContain('Pågår sedan kl. 08.40. Prognos saknas.');
    expect(page).toContain('Beräknas klart kl. 12.00.');
    expect(page).toContain('<a href="https://www.inera.se/driftstatus/pagaende/journal/">Läs mer hos Inera om Störning i 1177 journal</a>');
    expect(page).toContain('När: torsdag 26 november kl. 22.00–02.00');
    expect(page).not.toContain('Release om en månad');
    expect(page).toContain('href="https://www.inera.se/driftstatus/"');
  });

  it('says so when there is nothing, and warns when Inera could not be read', async () => {
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/' });
    markSourceFailed(app.db, 's', app.clock.now().toISOString(), 'HTTP 503');
    markSourceFailed(app.db, 's', app.clock.now().toISOString(), 'HTTP 503');
    const page = await (await get('/')).text();
    expect(page).toContain('Just nu finns inga kända störningar.');
    expect(page).toContain('Inga planerade servicefönster de närmaste 14 dagarna.');
    expect(page).toContain('Inga planerade releaser de närmaste 30 dagarna.');
    expect(page).toContain('Uppgifterna här kan vara gamla.');
  });

  it('sets the security headers on pages, errors and redirects', async () => {
    for (const res of [await get('/'), await get(`/avsluta/${token()}`), await get('/finns-inte'), await post(`/avsluta/${token()}`, '')]) {
      expect(res.headers.get('content-type')).toMatch(/; charset=utf-8$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers an unknown route with a Swedish 404 page and a wrong method with 405', async () => {
    const res = await get('/finns-inte');
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('Sidan finns inte');
    const wrong = await post('/', '');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses a body over 10 KB with 413 and unsubscribes no one', async () => {
    const res = await post(`/avsluta/${token()}`, `List-Unsubscribe=One-Click&pad=${'x'.repeat(20 * 1024)}`);
    expect(res.status).toBe(413);
    expect(isSuppressed(app.db, CONTACT)).toBe(false);
  });

  it('reports source health on /healthz', async () => {
    upsertSource(app.db, { id: 'a', adapter: 'rss', url: 'https://a.example/' });
    upsertSource(app.db, { id: 'b', adapter: 'rss', url: 'https://b.example/' });
    markSourceHealthy(app.db, 'a', '2026-11-24T08:25:00.000Z', {});
    markSourceFailed(app.db, 'b', '2026-11-24T08:25:00.000Z', 'timeout');
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      ok: true,
      database: true,
      scheduler: true,
      sources: [
        { id: 'a', healthy: true, fresh: true, lastSuccess: '2026-11-24T09:25:00+01:00', lastError: null, consecutiveFailures: 0 },
        { id: 'b', healthy: false, fresh: false, lastSuccess: null, lastError: 'timeout', consecutiveFailures: 1 },
      ],
    });
  });

  it('answers a failure with a 500 page, logged with its cause, without a stack', async () => {
    app.db.prepare('DROP TABLE sources').run();
    const res = await get('/');
    expect(res.status).toBe(500);
    const page = await res.text();
    expect(page).toContain('Något gick fel');
    expect(page).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(page).not.toContain('sources');
    expect(logs.join('')).toContain('web request failed');
    expect(logs.join('')).toContain('no such table: sources');
  });
});
