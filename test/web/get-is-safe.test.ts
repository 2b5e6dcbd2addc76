/**
 * Mail scanners and link previews follow links: every GET route (and HEAD) must leave the
 * database exactly as it was. The routes are taken from the app itself, so a new GET route is
 * covered without touching this test; each is requested with working tokens and ids, signed
 * in where the route is the console's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { ensureManageToken, hashToken } from '../../src/notify/links.js';
import type { Db } from '../../src/store/db.js';
import { listMessages } from '../../src/store/outbox.repo.js';
import { ensureSecret } from '../../src/store/settings.repo.js';
import { markSourceHealthy, upsertSource } from '../../src/store/sources.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { insertToken } from '../../src/store/tokens.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createLoginLink } from '../../src/web/auth.js';
import { registeredRoutes } from '../../src/web/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Client, csrfOf, startTestWeb, type TestWeb, alertSvevac } from './web-helpers.js';

const ADMIN = 'forvaltare@regionuppsala.example';
const ANNA = 'anna@staff.example';

/** Every row of every table, as text. */
function snapshot(db: Db): string {
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

describe('GET never changes anything', () => {
  let app: TestApp;
  let web: TestWeb;

  beforeEach(async () => {
    app = createTestApp({ admins: [ADMIN], sources: [{ id: 's', adapter: 'rss', url: 'https://s.example/feed' }] });
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    web = await startTestWeb(app, { pollNow: async () => undefined });
  });
  afterEach(async () => {
    await web.close();
    app.close();
  });

  it('leaves every table as it was after a GET and a HEAD of every route', async () => {
    const at = app.clock.now().toISOString();
    upsertSource(app.db, { id: 's', adapter: 'rss', url: 'https://s.example/feed' });
    markSourceHealthy(app.db, 's', at, {});
    const eventId = await alertSvevac(app, 'k');
    const messageId = listMessages(app.db, {})[0]!.id;
    upsertSubscription(app.db, { email: ANNA, services: ['svevac'], cadence: 'daily', kinds: ['maintenance'], confirmed: true }, at);
    const manage = ensureManageToken(app.db, ANNA, ensureSecret(app.db), at);
    const confirm = 'c'.repeat(43);
    insertToken(app.db, {
      hash: hashToken(confirm),
      purpose: 'confirm',
      email: 'new@staff.example',
      data: { services: ['svevac'], cadence: 'daily', kinds: ['maintenance'] },
      createdAt: at,
      expiresAt: '2026-12-01T00:00:00.000Z',
    });
    const login = createLoginLink(app, ADMIN).split('/').at(-1)!;
    // Sign in with a second link, so the first still works for the GET below.
    const client = new Client(web.url);
    const second = createLoginLink(app, ADMIN).slice(web.url.length);
    await client.post(second, { _csrf: csrfOf((await client.page(second)).html) });

    const fill = (url: string) =>
      url
        .replace(/^\/(avsluta|prenumeration)\/:token/, `/$1/${manage}`)
        .replace('/bekrafta/:token', `/bekrafta/${confirm}`)
        .replace('/admin/logga-in/:token', `/admin/logga-in/${login}`)
        .replace('/handelse/:id', `/handelse/${eventId}`)
        .replace(':id', String(messageId));
    const query: Record<string, string> = {
      '/admin/forhandsgranska': '?forvaltning=patientnamnden',
      '/admin/forhandsgranska/html': '?forvaltning=patientnamnden',
    };
    const gets = registeredRoutes(web.app).filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(25);

    const before = snapshot(app.db);
    for (const r of gets) {
      const path = fill(r.url) + (query[r.url] ?? '');
      expect(path, r.url).not.toContain(':');
      const res = await client.get(path);
      // A cut-off link (no token) is "Länken fungerar inte"; /healthz may say 503 (no scheduler here).
      const allowed = r.url === '/avsluta' || r.url === '/prenumeration' ? [404] : [200, 503];
      expect(allowed, path).toContain(res.status);
      await client.get(path, {}).then((x) => x.arrayBuffer());
      const head = await fetch(`${web.url}${path}`, {
        method: 'HEAD',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(head.status, `HEAD ${path}`).toBeLessThan(500);
    }
    expect(snapshot(app.db)).toBe(before);
  });
});
