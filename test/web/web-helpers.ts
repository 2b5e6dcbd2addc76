/** A web app on loopback over a test app, and a small HTTP client that keeps cookies like a browser. */
import { pino } from 'pino';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import { insertChange } from '../../src/store/changes.repo.js';
import { insertEvent } from '../../src/store/events.repo.js';
import { startWebServer, type WebOptions, type WebServer } from '../../src/web/server.js';
import type { TestApp } from '../helpers/app.js';

export interface TestWeb extends WebServer {
  logs: string[];
}

/** Starts the web app on 127.0.0.1 with a free port; the app's baseUrl is pointed at it. */
export async function startTestWeb(app: TestApp, opts: WebOptions = {}): Promise<TestWeb> {
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const web = await startWebServer({ ...app, logger }, { port: 0, host: '127.0.0.1', schedulerAlive: () => true, ...opts });
  app.config.baseUrl = web.url;
  return { ...web, logs };
}

/** The CSRF token in a page's first form. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('the page has no CSRF token');
  return m[1]!;
}

/** An HTTP client with a cookie jar; POSTs carry our Origin, as a browser's do. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  private keep(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(await fetch(`${this.base}${path}`, { headers: this.headers(headers), redirect: 'manual' }));
  }

  /** GET and the body as text. */
  async page(path: string): Promise<{ status: number; html: string }> {
    const res = await this.get(path);
    return { status: res.status, html: await res.text() };
  }

  async post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of ([] as string[]).concat(v)) body.append(k, item);
    return this.keep(
      await fetch(`${this.base}${path}`, {
        method: 'POST',
        body,
        headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', origin: this.base, ...headers }),
        redirect: 'manual',
      }),
    );
  }

  /** POSTs multipart form data (a file upload). */
  async postMultipart(path: string, form: FormData): Promise<Response> {
    return this.keep(
      await fetch(`${this.base}${path}`, { method: 'POST', body: form, headers: this.headers({ origin: this.base }), redirect: 'manual' }),
    );
  }
}

/** The value of a hidden form field, with Handlebars' HTML escapes undone. */
export function hiddenValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`the page has no field ${name}`);
  const entities: Record<string, string> = {
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#x27;': "'",
    '&#x60;': '`',
    '&#x3D;': '=',
  };
  return m[1]!.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => entities[e]!);
}

/**
 * A Svevac disruption recorded as a poll would (the event and its `created` change) and
 * alerted: real messages in the outbox for everyone who follows Svevac. The source `s`
 * must exist. Returns the event's id.
 */
export async function alertSvevac(app: TestApp, key = 'url:svevac'): Promise<number> {
  const at = app.clock.now().toISOString();
  const eventId = insertEvent(
    app.db,
    's',
    {
      key,
      kind: 'disruption',
      status: 'ongoing',
      title: 'Störning i Svevac',
      services: ['svevac'],
      start: at,
      end: null,
      url: null,
      impact: null,
      timeText: null,
      details: null,
      guid: null,
    },
    at,
  );
  insertChange(app.db, { eventId, runId: null, type: 'created', fields: [], at, baseline: false });
  await notifyPending({ ...app, renderer: createRenderer() });
  return eventId;
}
