/**
 * Who hears what, end to end: real polls of loopback pages on a real SQLite file, the
 * sample directory, a real SMTP server on loopback, every message parsed back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainOutbox, SENDING_LEASE_MS } from '../../src/mail/drain.js';
import { importDirectory, readDirectoryFile } from '../../src/directory/import.js';
import { createRenderer } from '../../src/mail/render.js';
import { notifyPending } from '../../src/notify/alerts.js';
import type { NotifyDeps } from '../../src/notify/compose.js';
import { sendDigests } from '../../src/notify/digests.js';
import { sendReminders } from '../../src/notify/reminders.js';
import { resendMessage } from '../../src/notify/resend.js';
import { refreshSource } from '../../src/sources/refresh.js';
import { claimDue, listMessages } from '../../src/store/outbox.repo.js';
import { upsertSubscription } from '../../src/store/subscriptions.repo.js';
import { packagePath } from '../../src/util/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { statusPage, type PageItem } from '../helpers/pages.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

/** Every address whose unit follows 1177 journal (or all services) in the sample directory. */
const JOURNAL_CONTACTS = [
  'ehalsostrateg@nvoh.regionuppsala.example',
  'etjanstesamordnare@akademiska.regionuppsala.example',
  'vardsystem@lasarettet.regionuppsala.example',
  'vss-resurscentrum@regionuppsala.example',
  'ol-it@itc.regionuppsala.example',
  'patientadministration@regionuppsala.example',
  'barnombudsmannen@regionuppsala.example',
  'barnskyddsteamet@regionuppsala.example',
  'kommunikation@regionuppsala.example',
  'epj-easit@regionuppsala.example',
  't4-easit@regionuppsala.example',
  'rgs@regionuppsala.example',
].sort();
/** Units following NTjP (or all services) in the sample: Nära vård och hälsa, Akademiska, Lasarettet, ITC. */
const NTJP_CONTACTS = 4;

const journal: PageItem = {
  href: '/driftstatus/pagaende/journal/',
  badge: 'Pågående störning',
  title: 'Störning i 1177 journal',
  services: ['1177 journal'],
  start: '24 november 2026 kl. 08.40',
  end: 'Prognos saknas',
  impact: 'Invånare ser inte nya journalanteckningar.',
};
const window: PageItem = {
  href: '/driftstatus/kommande-atgarder/ntjp/',
  badge: 'Planerad åtgärd',
  title: 'Servicefönster i Nationella tjänsteplattformen',
  services: ['NTjP'],
  time: 'onsdag 25 november 2026 kl. 06.00–07.00',
};

describe('alerts, reminders, digests and resends over SMTP', () => {
  let pages: PageServer;
  let smtp: TestSmtp;
  let app: TestApp;
  let deps: NotifyDeps;

  beforeEach(async () => {
    pages = await startPageServer();
    smtp = await startSmtp();
    app = createTestApp(
      {
        sources: [
          { id: 'drift', adapter: 'inera-driftstatus', url: pages.url('/drift/') },
          { id: 'windows', adapter: 'inera-kommande-atgarder', url: pages.url('/windows/') },
        ],
        http: { retries: 0 },
        baseUrl: 'https://driftkoll.regionuppsala.example',
        delivery: { maxAttempts: 5, backoff: 60 },
      },
      '2026-11-24T09:30:00+01:00',
    );
    app.config.smtpUrl = smtp.url;
    importDirectory(app.db, readDirectoryFile(packagePath('defaults', 'region-uppsala.yaml'), app.catalogue));
    deps = { ...app, renderer: createRenderer() };
    pages.set({ body: statusPage('Driftstatus', []) }, '/drift/');
    pages.set({ body: statusPage('Kommande åtgärder', [window]) }, '/windows/');
  });
  afterEach(async () => {
    app.close();
    await pages.close();
    await smtp.close();
  });

  const pollAll = async () => {
    for (const s of app.config.sources) expect((await refreshSource(app, s)).outcome).not.toBe('failed');
  };
  const recipients = () => smtp.received.flatMap((m) => m.envelope.to).sort();

  it('routes a new disruption to the contacts of its services and its subscribers, one message each', async () => {
    upsertSubscription(
      app.db,
      { email: 'anna@staff.example', services: ['1177-journal'], cadence: 'immediate', kinds: ['disruption'], confirmed: true },
      '2026-11-24T08:00:00Z',
    );
    upsertSubscription(
      app.db,
      { email: 'bo@staff.example', services: ['1177-journal'], cadence: 'daily', kinds: ['disruption'], confirmed: true },
      '2026-11-24T08:00:00Z',
    );
    upsertSubscription(
      app.db,
      { email: 'cay@staff.example', services: ['1177-journal'], cadence: 'immediate', kinds: ['disruption'], confirmed: false },
      '2026-11-24T08:00:00Z',
    );

    await pollAll(); // baseline: nobody hears about it
    expect(await notifyPending(deps)).toEqual({ changes: 1, alerts: 0 });

    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    app.clock.advance(5 * 60_000);
    await pollAll();
    expect((await notifyPending(deps)).alerts).toBe(JOURNAL_CONTACTS.length + 1);
    expect(await drainOutbox(app)).toMatchObject({ sent: JOURNAL_CONTACTS.length + 1, failed: 0 });
    expect(recipients()).toEqual([...JOURNAL_CONTACTS, 'anna@staff.example'].sort());

    const received = smtp.received.find((m) => m.envelope.to[0] === 'vss-resurscentrum@regionuppsala.example')!;
    const mail = received.parsed;
    const head = received.raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    expect(mail.subject).toBe('Störning i 1177 journal sedan kl. 08.40');
    expect(mail.from?.value[0]).toEqual({
      name: 'Invånartjänster e-hälsa, Region Uppsala',
      address: '1177etjanster@regionuppsala.example',
    });
    expect(mail.replyTo?.value[0]?.address).toBe('1177etjanster@regionuppsala.example');
    expect(mail.text).toContain('Invånare ser inte nya journalanteckningar.');
    expect(mail.text).toMatch(/Privata vårdgivare/);
    expect(mail.text).toMatch(/Privata specialister/);
    expect(mail.html).toContain('<h');
    expect(head).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^List-Unsubscribe: <https:\/\/driftkoll\.regionuppsala\.example\/avsluta\/[^>]+>, <mailto:1177etjanster@/m);
    const stored = listMessages(app.db, {}).find((r) => r.to === 'vss-resurscentrum@regionuppsala.example')!;
    expect(mail.messageId).toBe(stored.messageId);

    // Running notify again sends nothing more.
    expect(await notifyPending(deps)).toEqual({ changes: 0, alerts: 0 });
    expect((await drainOutbox(app)).sent).toBe(0);
  });

  it('does not alert contacts about window changes, but reminds them once before the window', async () => {
    await pollAll();
    app.clock.set('2026-11-24T10:00:00+01:00');
    expect(await sendReminders(deps)).toBe(NTJP_CONTACTS);
    expect(await sendReminders(deps)).toBe(0);
    await drainOutbox(app);
    const subjects = new Set(smtp.received.map((m) => m.parsed.subject));
    expect([...subjects]).toEqual(['Påminnelse: Servicefönster i Nationella tjänsteplattformen onsdag 25 november kl. 06.00–07.00']);

    // Rescheduled: a new reminder for the new time, alerts only to immediate subscribers (none here).
    pages.set({ body: statusPage('Kommande åtgärder', [{ ...window, time: 'onsdag 25 november 2026 kl. 08.00–09.00' }]) }, '/windows/');
    await pollAll();
    expect((await notifyPending(deps)).alerts).toBe(0);
    expect(await sendReminders(deps)).toBe(NTJP_CONTACTS);
  });

  it('sends one digest per contact per slot, naming the administration, and a second run sends nothing', async () => {
    pages.set({ body: statusPage('Kommande åtgärder', [{ ...window, time: 'onsdag 2 december 2026 kl. 06.00–07.00' }]) }, '/windows/');
    await pollAll();
    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    app.clock.set('2026-11-24T10:00:00+01:00');
    await pollAll();
    app.clock.set('2026-11-25T07:30:00+01:00');
    const first = await sendDigests(deps);
    expect(first.enqueued).toBeGreaterThan(0);
    await drainOutbox(app);
    const addresses = smtp.received.map((m) => m.envelope.to[0]);
    expect(new Set(addresses).size).toBe(addresses.length);
    const akademiska = smtp.received.find((m) => m.envelope.to[0] === 'etjanstesamordnare@akademiska.regionuppsala.example')!.parsed;
    expect(akademiska.subject).toBe('Driftläget för e-tjänster onsdag 25 november');
    expect(akademiska.text!.replace(/\s+/g, ' ')).toMatch(/för Akademiska sjukhuset/);
    expect(akademiska.text).toMatch(/Pågående störningar/);
    expect(akademiska.text).toMatch(/Servicefönster de närmaste 14 dagarna/);
    // Patientnämnden follows neither 1177 journal nor NTjP: an empty digest is not sent.
    expect(addresses).not.toContain('patientnamnden@regionuppsala.example');

    app.clock.set('2026-11-25T09:00:00+01:00'); // a manual run later in the same slot
    expect((await sendDigests(deps)).enqueued).toBe(0);
    expect((await drainOutbox(app)).sent).toBe(0);
  });

  it('keeps scraped markup and header injection inert', async () => {
    await pollAll();
    pages.set(
      { body: statusPage('Driftstatus', [{ ...journal, title: 'Fel <script>alert(1)</script> i 1177 journal\r\nBcc: evil@example.org' }]) },
      '/drift/',
    );
    await pollAll();
    await notifyPending(deps);
    await drainOutbox(app);
    expect(smtp.received.length).toBeGreaterThan(0);
    for (const m of smtp.received) {
      expect(m.envelope.to).not.toContain('evil@example.org');
      expect(m.parsed.bcc).toBeUndefined();
      expect(m.raw.split('\r\n\r\n')[0]).not.toMatch(/^bcc:/im);
      expect(m.parsed.subject).not.toMatch(/[\r\n]/);
      expect(m.parsed.html).not.toContain('<script>');
      expect(m.parsed.html).toContain('&lt;script&gt;');
      expect(m.parsed.text).toContain('<script>alert(1)</script>');
    }
  });

  it('delivers every message once after SMTP was down for a while', async () => {
    await pollAll();
    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    await pollAll();
    await smtp.stop();
    await notifyPending(deps);
    // Down for longer than maxAttempts (5) worth of delivery runs: nothing may fail for good.
    for (let i = 0; i < 8; i++) {
      expect((await drainOutbox(app)).sent).toBe(0);
      app.clock.advance(2 * 60_000);
    }
    expect(listMessages(app.db, {}).every((m) => m.status === 'queued' && m.attempts === 0)).toBe(true);
    await smtp.start();
    app.clock.advance(10 * 60_000);
    expect((await drainOutbox(app)).sent).toBe(JOURNAL_CONTACTS.length);
    app.clock.advance(60 * 60_000);
    expect((await drainOutbox(app)).sent).toBe(0);
    const ids = smtp.received.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(JOURNAL_CONTACTS.length);
  });

  it('fails only the recipient the server refuses for good', async () => {
    smtp.rejectRecipient('rgs@regionuppsala.example');
    await pollAll();
    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    await pollAll();
    await notifyPending(deps);
    expect(await drainOutbox(app)).toMatchObject({ sent: JOURNAL_CONTACTS.length - 1, failed: 1 });
    const failed = listMessages(app.db, { status: 'failed' });
    expect(failed.map((m) => m.to)).toEqual(['rgs@regionuppsala.example']);
  });

  it('loses nothing when the process dies between enqueue and send', async () => {
    await pollAll();
    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    await pollAll();
    await notifyPending(deps);
    // The crash: a worker claimed the rows (status sending) and died before sending.
    expect(claimDue(app.db, app.clock.now().toISOString(), 100)).toHaveLength(JOURNAL_CONTACTS.length);
    // Within the lease another process may still be sending them: left alone.
    app.clock.advance(60_000);
    expect((await drainOutbox(app)).sent).toBe(0);
    app.clock.advance(SENDING_LEASE_MS);
    const after = await drainOutbox(app);
    expect(after.sent).toBe(JOURNAL_CONTACTS.length);
    expect(recipients()).toEqual(JOURNAL_CONTACTS);
  });

  it('resends one logged copy, to another address if asked', async () => {
    await pollAll();
    pages.set({ body: statusPage('Driftstatus', [journal]) }, '/drift/');
    await pollAll();
    await notifyPending(deps);
    await drainOutbox(app);
    const original = listMessages(app.db, {}).find((m) => m.to === 'rgs@regionuppsala.example')!;
    const id = await resendMessage(deps, {
      outboxId: original.id,
      to: 'ny.person@regionuppsala.example',
      reason: 'Ny vårdutvecklare',
      requestedBy: 'admin',
    });
    const before = smtp.received.length;
    expect((await drainOutbox(app)).sent).toBe(1);
    const copy = smtp.received.at(-1)!;
    expect(smtp.received.length).toBe(before + 1);
    expect(copy.envelope.to).toEqual(['ny.person@regionuppsala.example']);
    expect(copy.parsed.text).toMatch(/kopia/i);
    expect(copy.parsed.text).toContain('Ny vårdutvecklare');
    expect(copy.parsed.messageId).not.toBe(original.messageId);
    const row = listMessages(app.db, {}).find((m) => m.id === id)!;
    expect(row).toMatchObject({
      kind: 'resend',
      originalId: original.id,
      requestedBy: 'admin',
      reason: 'Ny vårdutvecklare',
      status: 'sent',
    });
  });
});
