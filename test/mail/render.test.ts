import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMjml } from '../../src/mail/compile-mjml.js';
import { createRenderer } from '../../src/mail/render.js';
import type { AlertData, DigestData, MessageData, ReminderData } from '../../src/mail/types.js';
import { packagePath } from '../../src/util/paths.js';
import * as f from './fixtures.js';

const renderer = createRenderer();
const GOLDEN = packagePath('test', 'golden');

/** Compares with test/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead. */
async function golden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await writeFile(path, actual);
    return;
  }
  expect(actual, `${name} differs; rerun with UPDATE_GOLDEN=1 and review the diff`).toBe(await readFile(path, 'utf8'));
}

const cases: [string, MessageData, string][] = [
  ['digest-full', f.digestFull, 'Driftläget för e-tjänster tisdag 24 november'],
  ['digest-empty', f.digestEmpty, 'Veckans driftläge för e-tjänster, vecka 48'],
  ['alert-one', f.alertOne, 'Störning i 1177 journal sedan kl. 08.40'],
  ['alert-several', f.alertSeveral, '8 ändringar i driftläget: Störning i 1177 journal med flera'],
  ['reminder-resend', f.reminder, 'Påminnelse: Servicefönster i Nationella tjänsteplattformen torsdag 3 december kl. 22.00–02.00'],
];

describe('golden mails', () => {
  it.each(cases)('%s', async (name, data, subject) => {
    const m = await renderer.render(data, f.ctx);
    expect(m.subject).toBe(subject);
    expect(m.html).toContain('<html lang="sv"');
    expect(m.html).toContain(`<title>${subject}</title>`);
    expect(m.html).not.toMatch(/\{\{|\}\}/);
    expect(m.html).not.toContain('fonts.googleapis.com');
    expect(m.text.split('\n').every((l) => [...l].length <= 76 || /^\s*<\S+>$/.test(l))).toBe(true);
    await golden(`${name}.html`, m.html);
    await golden(`${name}.txt`, m.text);
  });

  it('says what, which service and when in alert subjects', async () => {
    const subject = async (item: AlertData['items'][number]) => (await renderer.render({ ...f.alertOne, items: [item] }, f.ctx)).subject;
    expect(await subject({ event: f.tidbok, change: 'resolved' })).toBe('Åtgärdad: Störning i 1177 tidbokning');
    expect(await subject({ event: f.sithsWindow, change: 'cancelled' })).toBe(
      'Inställt servicefönster: Identifieringstjänst SITHS lördag 28 november',
    );
    expect(await subject({ event: f.hsaWindow, change: 'rescheduled', before: { start: '2026-11-28T07:00:00+01:00' } })).toBe(
      'Flyttat servicefönster: Katalogtjänst HSA, nu lördag 5 december kl. 07.00–11.00',
    );
    expect(await subject({ event: f.npo, change: 'vanished' })).toBe('Listas inte längre: Störning i Nationell patientöversikt');
    expect(await subject({ event: f.webcert, change: 'updated', before: { end: null } })).toBe(
      'Uppdaterad: Störning i Intygstjänster och Rehabstod webb sedan måndag 23 november kl. 16.15',
    );
  });

  it('never says "åtgärdad" about a disruption Inera stopped listing', async () => {
    const m = await renderer.render({ ...f.alertOne, items: [{ event: f.npo, change: 'vanished' }] }, f.ctx);
    expect(m.text).toContain('Inera listar inte längre störningen');
    expect(`${m.subject}\n${m.text}`.toLowerCase()).not.toContain('åtgärdad');
  });
});

describe('each event names its own source', () => {
  const plain = (text: string) => text.replace(/\s+/g, ' ');

  it("says E-hälsomyndigheten for its items and Inera for Inera's, in the text and the footer", async () => {
    const m = await renderer.render({ ...f.alertOne, items: [{ event: f.nllSlow, change: 'vanished' }] }, f.ctx);
    const text = plain(m.text);
    expect(text).toContain('E-hälsomyndigheten listar inte längre störningen');
    expect(text).toContain('Läs mer hos E-hälsomyndigheten om Nationella läkemedelslistan svarar långsamt');
    expect(text).toContain('Källa: E-hälsomyndigheten <https://status.example.se/driftinformation>');
    expect(text).not.toContain('Inera');
    expect(m.html).toContain('Källa: <a href="https://status.example.se/driftinformation"');
  });

  it("names a source no longer configured by its link's host, and assumes Inera without a source list", async () => {
    const gone = f.event({ ...f.nllSlow, id: 900, sourceId: 'removed-feed', url: 'https://www.ehalsomyndigheten.se/drift/1' });
    const removed = plain((await renderer.render({ ...f.alertOne, items: [{ event: gone, change: 'created' }] }, f.ctx)).text);
    expect(removed).toContain('Läs mer hos ehalsomyndigheten.se om');
    const legacy = plain((await renderer.render(f.alertOne, { ...f.ctx, sources: undefined })).text);
    expect(legacy).toContain('Läs mer hos Inera om');
    expect(legacy).toContain('Källa: Inera <https://www.inera.se/driftstatus/>');
  });
});

describe('scraped text is data', () => {
  const script = f.event({
    kind: 'disruption',
    status: 'ongoing',
    title: '<script>alert(1)</script>',
    services: ['1177-journal'],
    start: '2026-11-24T08:00:00+01:00',
    impact: '<img src=x onerror="alert(2)"> & mer',
    timeText: '<b>i dag</b>',
    url: 'javascript:alert(3)',
  });
  const bcc = f.event({
    kind: 'maintenance',
    status: 'planned',
    title: 'Servicefönster i 1177\r\nBcc: evil@example.org',
    services: [],
    start: '2026-12-03T22:00:00+01:00',
    end: '2026-12-04T02:00:00+01:00',
    url: 'https://www.inera.se/x?a=1&b="2"',
  });
  const messages: MessageData[] = [
    {
      ...f.alertOne,
      items: [
        { event: script, change: 'created' },
        { event: bcc, change: 'created' },
      ],
    },
    { ...f.alertOne, items: [{ event: bcc, change: 'created' }] },
    { ...f.reminder, event: bcc, resend: { reason: '<i>test</i>\r\nX-Evil: 1', originalAt: '2026-11-23T07:30:00+01:00' } },
    { ...f.digestFull, ongoing: [script], windows: [{ event: bcc, note: 'new' }] } satisfies DigestData,
  ];

  it.each(messages.map((m, i) => [i, m] as const))('message %i stays inert', async (_i, data) => {
    const m = await renderer.render(data, f.ctx);
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject.length).toBeLessThanOrEqual(150);
    expect(m.html).not.toMatch(/<script|<img|<b>|<i>|javascript:/i);
    expect(m.html).not.toContain('Bcc: evil@example.org\n');
    expect(m.text).not.toMatch(/^Bcc:/m);
    expect(m.text).not.toMatch(/^X-Evil:/m);
  });

  it('escapes in HTML and keeps the text literal', async () => {
    const m = await renderer.render(messages[0]!, f.ctx);
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('&lt;img src&#x3D;x onerror&#x3D;&quot;alert(2)&quot;&gt; &amp; mer');
    expect(m.text).toContain('<script>alert(1)</script>');
    expect(m.text).toContain('Servicefönster i 1177 Bcc: evil@example.org');
    expect(m.text).not.toContain('javascript:');
    const reminder = await renderer.render(messages[2]!, f.ctx);
    expect(reminder.subject).toBe('Påminnelse: Servicefönster i 1177 Bcc: evil@example.org torsdag 3 december kl. 22.00–02.00');
    expect(reminder.html).toContain('href="https://www.inera.se/x?a&#x3D;1&amp;b&#x3D;&quot;2&quot;"');
    expect(reminder.html).toContain('Anledning: &lt;i&gt;test&lt;/i&gt; X-Evil: 1.');
  });

  it('caps a long subject at a word', async () => {
    const long = f.event({ kind: 'maintenance', status: 'planned', title: 'Mycket '.repeat(40), start: '2026-12-03T22:00:00+01:00' });
    const m = await renderer.render({ ...f.reminder, event: long } satisfies ReminderData, f.ctx);
    expect(m.subject.length).toBeLessThanOrEqual(150);
    expect(m.subject).toMatch(/Mycket…$/);
  });
});

describe('compiling', () => {
  it('compiles the templates once however many messages are rendered', async () => {
    const second = createRenderer();
    const all = [f.digestFull, f.digestEmpty, f.alertOne, f.alertSeveral, f.reminder];
    const batch = Array.from({ length: 50 }, (_, i) => (i % 2 ? renderer : second).render(all[i % all.length]!, f.ctx));
    const rendered = await Promise.all(batch);
    expect(rendered).toHaveLength(50);
  });

  it('the build step reports a broken template with its path and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'driftkoll-templates-'));
    try {
      await cp(packagePath('templates'), join(dir, 'templates'), { recursive: true });
      await writeFile(join(dir, 'templates', 'message.mjml'), '<mjml><mj-body><mj-text>fel</mj-text></mj-body></mjml>');
      const build = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [packagePath('scripts', 'build-assets.mjs'), '--templates', join(dir, 'templates'), '--out', join(dir, 'out')],
          (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
        ),
      );
      expect(build.code).toBe(1);
      expect(build.stderr).toContain(`${join(dir, 'templates', 'message.mjml')} could not be compiled`);
      await expect(readFile(join(dir, 'out', 'templates', 'message.html'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders from the layout the build compiled, which matches the MJML source', async () => {
    const built = await readFile(packagePath('dist', 'templates', 'message.html'), 'utf8');
    expect(built).toBe(await compileMjml(packagePath('templates', 'message.mjml'), packagePath('templates')));
    // The renderer really reads that file: a different compiled layout changes the HTML.
    const dir = await mkdtemp(join(tmpdir(), 'driftkoll-compiled-'));
    try {
      await writeFile(join(dir, 'message.html'), built.replace('<body', '<body data-test="compiled-dir"'));
      const m = await createRenderer({ compiledDir: dir }).render(f.alertOne, f.ctx);
      expect(m.html).toContain('data-test="compiled-dir"');
      await expect(createRenderer({ compiledDir: join(dir, 'none') }).render(f.alertOne, f.ctx)).rejects.toThrow(
        /message\.html is missing; run npm run build/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
