/**
 * Attacks outside the web app (its routes, forms and rate limits are tested with it):
 * forged mail-link tokens, markup and CR/LF from a scraped page in mails and headers,
 * and secrets in logs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import { addressToken, verifyAddressToken } from '../../src/notify/links.js';
import { refreshSource } from '../../src/sources/refresh.js';
import { ensureSecret } from '../../src/store/settings.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { oneUnitDirectory, page, row } from './pages.js';

let app: TestApp | undefined;
let pages: PageServer | undefined;
let smtp: TestSmtp | undefined;
afterEach(async () => {
  app?.close();
  await pages?.close();
  await smtp?.close();
  app = pages = smtp = undefined;
});

describe('mail-link tokens', () => {
  const secret = 'a'.repeat(64);
  const token = addressToken('anna@region.example', secret);

  it('a genuine token names its address', () => {
    expect(verifyAddressToken(token, secret)).toBe('anna@region.example');
  });

  it('tampered, swapped, truncated or foreign tokens are refused', () => {
    const [id, mac] = token.split('.') as [string, string];
    const other = Buffer.from('bertil@region.example').toString('base64url');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = [
      `${other}.${mac}`, // someone else's address under Anna's signature
      `${id}.${flip(mac, 0)}`,
      `${id}.${flip(mac, mac.length - 1)}`,
      `${flip(id, 2)}.${mac}`,
      `${id}.${mac.slice(0, -1)}`,
      `${id}.`,
      `.${mac}`,
      id,
      '',
      `${id}.${mac}.extra`,
      addressToken('anna@region.example', 'b'.repeat(64)), // signed with another installation's secret
    ];
    for (const t of forged) expect(verifyAddressToken(t, secret), t).not.toBe('anna@region.example');
    expect(forged.map((t) => verifyAddressToken(t, secret)).filter((v) => v !== undefined && v !== 'anna@region.example')).toEqual([]);
  });
});

describe('hostile text on a status page', () => {
  it('markup and CR/LF in a scraped title and impact are inert in the mail and its headers', async () => {
    pages = await startPageServer();
    smtp = await startSmtp();
    app = createTestApp({ sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: pages.url('/') }], http: { retries: 0 } });
    oneUnitDirectory(app, ['anna@region.example']);
    pages.set({ body: page([row('Störning i 1177 journal', 'Pågående')]) });
    await refreshSource(app, app.config.sources[0]!);
    // The page builder escapes text; this page carries raw markup and line breaks as a hostile server would.
    const hostile = page([row('TITLE', 'Pågående')])
      .replace(
        'TITLE',
        'Störning i Webcert &lt;img src=x onerror=alert(1)&gt;<script>alert(1)</script>\r\nBcc: angripare@evil.example\r\nX-Evil: 1',
      )
      .replace('Invånare kan inte logga in.', '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">klicka</a>\r\n\r\n<b>fet</b>');
    pages.set({ body: hostile });
    app.clock.advance(5 * 60_000);
    expect((await refreshSource(app, app.config.sources[0]!)).outcome).toBe('changed');
    await notifyPending({ ...app, renderer: createRenderer() });
    const delivered = await runCli(['notify'], { cwd: app.dir, env: { SMTP_URL: smtp.url, DRIFTKOLL_NOW: app.clock.now().toISOString() } });
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.envelope.to).toEqual(['anna@region.example']);
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    expect(mail.parsed.subject).not.toMatch(/[\r\n]/);
    const html = String(mail.parsed.html);
    expect(html).not.toMatch(/<script|<img|onerror=|javascript:|<b>fet/i);
    // Text that is markup once entities are decoded stays text: escaped in HTML, as is in plain text.
    expect(html).toMatch(/&lt;img src(=|&#x3D;)x onerror(=|&#x3D;)alert\(1\)&gt;/);
    expect(mail.parsed.text).toContain('<img src=x onerror=alert(1)>');
    expect(mail.parsed.text).toContain('Bcc: angripare@evil.example'); // words on a line of the body, not a header
  });
});

describe('secrets', () => {
  it('neither the link secret nor the SMTP password appears in any log line, even at debug level', async () => {
    pages = await startPageServer();
    smtp = await startSmtp();
    app = createTestApp({ sources: [{ id: 'drift', adapter: 'inera-driftstatus', url: pages.url('/') }], http: { retries: 0 } });
    oneUnitDirectory(app, ['anna@region.example']);
    const secret = ensureSecret(app.db);
    pages.set({ body: page([row('Störning i 1177 journal', 'Pågående')]) });
    const password = 'Hemligt-l0senord-9f2c';
    const url = new URL(smtp.url);
    const env = {
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
      SMTP_URL: `smtp://driftkoll:${password}@${url.host}`,
      DRIFTKOLL_NOW: app.clock.now().toISOString(),
    };
    const logs: string[] = [];
    for (const args of [['poll'], ['notify'], ['outbox'], ['sources']]) {
      const r = await runCli(args, { cwd: app.dir, env });
      logs.push(r.stdout, r.stderr);
    }
    pages.set({ body: page([row('Störning i 1177 journal', 'Pågående'), row('Störning i Webcert', 'Pågående')]) });
    const later = { ...env, DRIFTKOLL_NOW: new Date(app.clock.now().getTime() + 5 * 60_000).toISOString() };
    for (const args of [['poll'], ['notify']]) {
      const r = await runCli(args, { cwd: app.dir, env: later });
      logs.push(r.stdout, r.stderr);
    }
    const all = logs.join('\n');
    expect(all.length).toBeGreaterThan(500); // the logs did say things
    expect(all).not.toContain(secret);
    expect(all).not.toContain(password);
    expect(all).not.toContain(encodeURIComponent(password));
  });
});
