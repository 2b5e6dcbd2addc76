/** The delivery commands end to end, as an operator runs them: built CLI, real SQLite, real SMTP. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('directory import, poll, digest --send, notify, outbox, resend', () => {
  let dir: string;
  let pages: PageServer;
  let smtp: TestSmtp;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-cli-mail-'));
    pages = await startPageServer();
    smtp = await startSmtp();
    for (const [path, file] of [
      ['/drift/', 'driftstatus.html'],
      ['/windows/', 'kommande-atgarder.html'],
      ['/calendar/', 'planeringskalendern.html'],
    ]) {
      pages.set({ body: readFileSync(root(`demo/pages/${file}`)) }, path);
    }
    writeFileSync(
      join(dir, 'driftkoll.yaml'),
      [
        'sources:',
        `  - { id: drift, adapter: inera-driftstatus, url: "${pages.url('/drift/')}" }`,
        `  - { id: windows, adapter: inera-kommande-atgarder, url: "${pages.url('/windows/')}" }`,
        `  - { id: calendar, adapter: inera-planeringskalendern, url: "${pages.url('/calendar/')}" }`,
        'http: { retries: 0 }',
      ].join('\n'),
    );
    env = {
      DRIFTKOLL_DB: join(dir, 'd.db'),
      SMTP_URL: smtp.url,
      DRIFTKOLL_NOW: '2026-11-24T09:30:00+01:00',
      DRIFTKOLL_BASE_URL: 'https://driftkoll.example',
    };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pages.close();
    await smtp.close();
  });

  it('runs the whole flow', async () => {
    const imported = await cli(['directory', 'import', root('defaults/region-uppsala.yaml')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/\+ unit akademiska \(Akademiska sjukhuset\)/);
    expect((await cli(['directory', 'import', root('defaults/region-uppsala.yaml')])).stdout.trim()).toBe('no changes');

    expect((await cli(['poll'])).code).toBe(0);

    // Next weekday morning: one digest per contact address (19 addresses, 1 follows nothing listed).
    const morning = { DRIFTKOLL_NOW: '2026-11-25T07:31:00+01:00' };
    const preview = await cli(['digest', '--json'], morning);
    const planned = JSON.parse(preview.stdout) as { to: string; empty: boolean }[];
    expect(planned).toHaveLength(19);
    const due = planned
      .filter((p) => !p.empty)
      .map((p) => p.to)
      .sort();
    expect(smtp.received).toHaveLength(0);

    const sent = await cli(['digest', '--send'], morning);
    expect(sent.code, sent.stderr).toBe(0);
    expect(smtp.received.map((m) => m.envelope.to[0]).sort()).toEqual(due);
    const vss = smtp.received.find((m) => m.envelope.to[0] === 'vss-resurscentrum@regionuppsala.example')!.parsed;
    const text = vss.text!.replace(/\s+/g, ' ');
    expect(vss.subject).toBe('Driftläget för e-tjänster onsdag 25 november');
    expect(text).toMatch(/Privata vårdgivare/);
    expect(text).toMatch(/Privata specialister/);
    expect(text).toMatch(/Störning i 1177 journal/);
    expect(text).toMatch(/Prognos saknas/);

    // The same slot again: nothing more.
    expect((await cli(['digest', '--send'], { DRIFTKOLL_NOW: '2026-11-25T10:00:00+01:00' })).code).toBe(0);
    expect(smtp.received).toHaveLength(due.length);

    // A new disruption on the page: notify alerts the contacts of 1177 inkorg's units.
    const page = readFileSync(root('demo/pages/driftstatus.html'), 'utf8').replace(
      '<section aria-labelledby="rubrik-pagaende">',
      `<section aria-labelledby="rubrik-pagaende">
      <article class="status-item"><span class="status-badge">Pågående störning</span>
      <h3><a href="/driftstatus/pagaende/inkorg/">Meddelanden i 1177 inkorg fördröjs</a></h3>
      <dl><dt>Tjänst</dt><dd>1177 inkorg</dd><dt>Start</dt><dd>2026-11-25 kl. 09.20</dd></dl></article>`,
    );
    pages.set({ body: page }, '/drift/');
    const later = { DRIFTKOLL_NOW: '2026-11-25T10:05:00+01:00' };
    expect((await cli(['poll', '--source', 'drift'], later)).code).toBe(0);
    const before = smtp.received.length;
    const notify = await cli(['notify'], later);
    expect(notify.code, notify.stderr).toBe(0);
    const alerts = smtp.received.slice(before);
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((m) => m.parsed.subject))).toEqual(new Set(['Störning i 1177 inkorg sedan kl. 09.20']));
    expect(alerts.map((m) => m.envelope.to[0])).toContain('patientnamnden@regionuppsala.example');
    expect(alerts.map((m) => m.envelope.to[0])).not.toContain('barnskyddsteamet@regionuppsala.example');

    const outbox = JSON.parse((await cli(['outbox', '--json'], later)).stdout) as {
      id: number;
      to: string;
      kind: string;
      status: string;
      attempts: number;
      sentAt: string | null;
    }[];
    expect(outbox.every((m) => m.status === 'sent' && m.attempts === 1 && m.sentAt)).toBe(true);
    const original = outbox.find((m) => m.kind === 'alert' && m.to === 'patientnamnden@regionuppsala.example')!;

    expect((await cli(['resend', '--message', String(original.id)], later)).code).toBe(2);
    const resent = await cli(['resend', '--message', String(original.id), '--reason', 'Kom inte fram', '--by', 'admin'], later);
    expect(resent.code, resent.stderr).toBe(0);
    expect(smtp.received.length).toBe(before + alerts.length + 1);
    expect(smtp.received.at(-1)!.envelope.to).toEqual(['patientnamnden@regionuppsala.example']);
    const log = JSON.parse((await cli(['outbox', '--json'], later)).stdout) as Record<string, unknown>[];
    expect(log[0]).toMatchObject({
      kind: 'resend',
      originalId: original.id,
      reason: 'Kom inte fram',
      requestedBy: 'admin',
      status: 'sent',
    });
  });

  it('exits 1 when the SMTP server is down, and keeps the messages queued', async () => {
    await smtp.stop();
    try {
      const r = await cli(['resend', '--message', '1', '--reason', 'test'], { DRIFTKOLL_NOW: '2026-11-25T11:00:00+01:00' });
      expect(r.code).toBe(1);
      const log = JSON.parse((await cli(['outbox', '--json'])).stdout) as { kind: string; status: string }[];
      expect(log[0]).toMatchObject({ kind: 'resend', status: 'queued' });
    } finally {
      await smtp.start();
    }
  });

  it('rejects a malformed directory with exit 2 and leaves the stored one as it was', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(root('defaults/region-uppsala.yaml'), 'utf8')
        .replace('ehalsostrateg@nvoh.regionuppsala.example', 'not-an-address')
        .replace('services: [1177-journal]', 'services: [1177-jornal]'),
    );
    const r = await cli(['directory', 'import', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/administrations\.0 \(nara-vard-och-halsa\)\.contacts\.0\.email/);
    expect(r.stderr).toMatch(/unknown service "1177-jornal"/);
    expect((await cli(['directory', 'import', root('defaults/region-uppsala.yaml')])).stdout.trim()).toBe('no changes');
  });
});
