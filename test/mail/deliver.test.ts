/** Delivery end to end: real SQLite outbox, real SMTP server on loopback, injected clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/domain/message.js';
import { messageJson } from '../../src/domain/present.js';
import { ConfigError } from '../../src/domain/errors.js';
import { buildHeaders, deliverDue, makeMessageId, type DeliverDeps } from '../../src/mail/deliver.js';
import { createTransport, type Transport } from '../../src/mail/transport.js';
import { openDb, type Db } from '../../src/store/db.js';
import { claimDue, countResends, enqueue, getMessage, hasMessageKey, listMessages, requeueStuck } from '../../src/store/outbox.repo.js';
import { suppress } from '../../src/store/subscriptions.repo.js';
import type { Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const START = '2026-11-24T08:30:00.000Z';
const BACKOFF = 60_000;
const logger = silentLogger();

function testClock(iso: string): Clock & { advance(ms: number): void } {
  let t = new Date(iso).getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

function message(n: number, over: Partial<NewMessage> = {}): NewMessage {
  const to = over.to ?? `person${n}@region.example`;
  const key = over.key ?? `alert:${to}:batch-${n}`;
  return {
    key,
    kind: 'alert',
    to,
    from: 'driftkoll@region.example',
    replyTo: 'it-support@region.example',
    subject: `Störning i 1177 journal (${n})`,
    html: `<p>Hej! Meddelande <b>${n}</b></p>`,
    text: `Hej! Meddelande ${n}`,
    headers: buildHeaders({
      unsubscribeHttps: `https://driftkoll.example/unsubscribe?t=tok${n}`,
      unsubscribeMailto: `mailto:unsubscribe@region.example?subject=tok${n}`,
      kind: 'alert',
    }),
    messageId: makeMessageId(key, 'driftkoll.example'),
    template: 'alert',
    data: { n, items: [{ title: 'Störning' }] },
    createdAt: START,
    ...over,
  };
}

/** The raw (unfolded) value of a header as received. */
function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

describe('mail delivery', () => {
  let dir: string;
  let db: Db;
  let smtp: TestSmtp;
  let clock: ReturnType<typeof testClock>;
  const transports: Transport[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-mail-'));
    db = openDb(join(dir, 'test.db'));
    clock = testClock(START);
    smtp = await startSmtp();
  });
  afterEach(async () => {
    for (const t of transports.splice(0)) await t.close();
    await smtp.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function smtpTransport(): Transport {
    const t = createTransport(smtp.url, logger);
    transports.push(t);
    return t;
  }

  function deps(transport: Transport, over: Partial<DeliverDeps> = {}): DeliverDeps {
    return {
      db,
      transport,
      clock,
      logger,
      maxAttempts: 5,
      backoffMs: BACKOFF,
      sender: { name: 'Driftkoll Region Uppsala', address: 'driftkoll@region.example' },
      random: () => 0,
      ...over,
    };
  }

  const perMessageId = () => {
    const counts = new Map<string, number>();
    for (const m of smtp.received) counts.set(m.parsed.messageId ?? '', (counts.get(m.parsed.messageId ?? '') ?? 0) + 1);
    return counts;
  };

  it('enqueues a key once, whatever the number of runs', () => {
    const first = enqueue(db, message(1));
    const again = enqueue(db, message(1, { subject: 'changed' }));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(hasMessageKey(db, message(1).key)).toBe(true);
    expect(hasMessageKey(db, 'alert:nobody:0')).toBe(false);
    expect(listMessages(db)).toHaveLength(1);
    expect(getMessage(db, first.id)).toMatchObject({ subject: 'Störning i 1177 journal (1)', status: 'queued', attempts: 0 });
    expect(getMessage(db, first.id)?.data).toEqual({ n: 1, items: [{ title: 'Störning' }] });
    expect(makeMessageId('k', 'd.example')).toBe(makeMessageId('k', 'd.example'));
    expect(makeMessageId('k', 'd.example')).toMatch(/^<[0-9a-f]{24}@d\.example>$/);
  });

  it('sends a message with its stored Message-ID, both parts and the list headers', async () => {
    const { id } = enqueue(db, message(1));
    enqueue(db, message(1));
    const res = await deliverDue(deps(smtpTransport()));
    expect(res).toMatchObject({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);

    const row = getMessage(db, id)!;
    const mail = smtp.received[0]!.parsed;
    expect(mail.subject).toBe('Störning i 1177 journal (1)');
    expect(mail.from?.value[0]).toEqual({ name: 'Driftkoll Region Uppsala', address: 'driftkoll@region.example' });
    expect(mail.to && !Array.isArray(mail.to) && mail.to.text).toBe('person1@region.example');
    expect(mail.replyTo?.text).toBe('it-support@region.example');
    expect(mail.text?.trim()).toBe('Hej! Meddelande 1');
    expect(mail.html).toContain('<p>Hej! Meddelande <b>1</b></p>');
    expect(mail.messageId).toBe(row.messageId);
    expect(header(mail, 'List-Unsubscribe')).toBe(
      '<https://driftkoll.example/unsubscribe?t=tok1>, <mailto:unsubscribe@region.example?subject=tok1>',
    );
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(mail, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(mail, 'X-Driftkoll-Kind')).toBe('alert');
    expect(smtp.received[0]!.envelope).toEqual({ from: 'driftkoll@region.example', to: ['person1@region.example'] });

    expect(row).toMatchObject({ status: 'sent', attempts: 1, transport: 'smtp', sentAt: START, lastError: null });
    expect(messageJson(row)).toMatchObject({ id, status: 'sent', attempts: 1, sentAt: '2026-11-24T09:30:00+01:00', kind: 'alert' });
    expect(await deliverDue(deps(smtpTransport()))).toMatchObject({ sent: 0, retried: 0, failed: 0 });
  });

  it('keeps mail queued while SMTP is down, then delivers each message exactly once', async () => {
    const transport = smtpTransport();
    enqueue(db, message(0));
    await deliverDue(deps(transport)); // a pooled connection is open when the server goes away
    await smtp.stop();
    const ids = [1, 2, 3].map((n) => enqueue(db, message(n)).id);

    // One message finds the server gone; the run stops there and uses up no attempt.
    const down = await deliverDue(deps(transport));
    expect(down).toEqual({ sent: 0, retried: 1, failed: 0 });
    const retryAt = new Date(Date.parse(START) + BACKOFF).toISOString();
    let rows = ids.map((id) => getMessage(db, id)!);
    expect(rows.map((r) => [r.status, r.attempts, r.nextAttemptAt])).toEqual([
      ['queued', 0, retryAt],
      ['queued', 0, START],
      ['queued', 0, START],
    ]);
    expect(rows[0]!.lastError).toMatch(/SMTP server unavailable.*check SMTP_URL/);
    // A long outage: many runs, and still no message runs out of attempts.
    for (let i = 0; i < 10; i++) {
      await deliverDue(deps(transport));
      clock.advance(BACKOFF);
    }
    rows = ids.map((id) => getMessage(db, id)!);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
      ['queued', 0],
    ]);

    await smtp.start();
    clock.advance(BACKOFF);
    expect(await deliverDue(deps(transport))).toMatchObject({ sent: 3, retried: 0, failed: 0 });
    expect(ids.map((id) => getMessage(db, id)!.status)).toEqual(['sent', 'sent', 'sent']);
    expect([...perMessageId().values()]).toEqual([1, 1, 1, 1]);
  });

  it('fails only the refused recipient and sends the others', async () => {
    smtp.rejectRecipient('person2@region.example');
    const ids = [1, 2, 3].map((n) => enqueue(db, message(n)).id);
    expect(await deliverDue(deps(smtpTransport()))).toMatchObject({ sent: 2, retried: 0, failed: 1 });
    const rows = ids.map((id) => getMessage(db, id)!);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['failed', 1],
      ['sent', 1],
    ]);
    expect(rows[1]!.lastError).toMatch(/550/);
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual(['person1@region.example', 'person3@region.example']);
  });

  it('retries a 451 with doubling backoff and sends on the third attempt', async () => {
    smtp.deferNext(2);
    const { id } = enqueue(db, message(1));
    const transport = smtpTransport();
    expect(await deliverDue(deps(transport))).toMatchObject({ retried: 1 });
    expect(getMessage(db, id)).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: '2026-11-24T08:31:00.000Z' });
    clock.advance(BACKOFF);
    expect(await deliverDue(deps(transport))).toMatchObject({ retried: 1 });
    expect(getMessage(db, id)).toMatchObject({ status: 'queued', attempts: 2, nextAttemptAt: '2026-11-24T08:33:00.000Z' });
    clock.advance(2 * BACKOFF);
    expect(await deliverDue(deps(transport))).toMatchObject({ sent: 1 });
    expect(getMessage(db, id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(smtp.deferred).toBe(2);
    expect([...perMessageId().values()]).toEqual([1]);
  });

  it('adds up to 25 % jitter to the backoff', async () => {
    smtp.deferNext(1);
    const { id } = enqueue(db, message(1));
    await deliverDue(deps(smtpTransport(), { random: () => 0.999 }));
    const delay = Date.parse(getMessage(db, id)!.nextAttemptAt) - Date.parse(START);
    expect(delay).toBeGreaterThan(BACKOFF * 1.24);
    expect(delay).toBeLessThanOrEqual(BACKOFF * 1.25);
  });

  it('marks a message failed once temporary failures reach maxAttempts', async () => {
    smtp.deferNext(10);
    const { id } = enqueue(db, message(1));
    const transport = smtpTransport();
    expect(await deliverDue(deps(transport, { maxAttempts: 2 }))).toMatchObject({ retried: 1 });
    clock.advance(BACKOFF);
    expect(await deliverDue(deps(transport, { maxAttempts: 2 }))).toMatchObject({ failed: 1 });
    expect(getMessage(db, id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(getMessage(db, id)!.lastError).toMatch(/451/);
    clock.advance(10 * BACKOFF);
    expect(await deliverDue(deps(transport, { maxAttempts: 2 }))).toMatchObject({ sent: 0, failed: 0 });
  });

  it('recovers rows left sending by a crash and delivers them once', async () => {
    const ids = [1, 2].map((n) => enqueue(db, message(n)).id);
    expect(claimDue(db, START, 10).map((r) => r.status)).toEqual(['sending', 'sending']); // then the process died
    const transport = smtpTransport();
    expect(await deliverDue(deps(transport))).toMatchObject({ sent: 0 });
    expect(requeueStuck(db)).toBe(2);
    expect(await deliverDue(deps(transport))).toMatchObject({ sent: 2 });
    expect(ids.map((id) => getMessage(db, id)!.status)).toEqual(['sent', 'sent']);
    expect([...perMessageId().values()]).toEqual([1, 1]);
  });

  it('keeps mail in the outbox with the local transport when there is no SMTP_URL', async () => {
    const transport = createTransport(null, logger);
    expect(transport.name).toBe('local');
    const { id } = enqueue(db, message(1));
    expect(await deliverDue(deps(transport))).toMatchObject({ sent: 1 });
    expect(getMessage(db, id)).toMatchObject({
      status: 'sent',
      transport: 'local',
      attempts: 1,
      sentAt: START,
      html: '<p>Hej! Meddelande <b>1</b></p>',
      text: 'Hej! Meddelande 1',
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('finishes the message in flight on abort and puts the rest back', async () => {
    const ids = [1, 2, 3].map((n) => enqueue(db, message(n)).id);
    const controller = new AbortController();
    const local = createTransport(null, logger);
    const aborting: Transport = {
      name: 'local',
      send: async (msg) => {
        controller.abort();
        return local.send(msg);
      },
      close: () => local.close(),
    };
    expect(await deliverDue(deps(aborting), { signal: controller.signal })).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(ids.map((id) => [getMessage(db, id)!.status, getMessage(db, id)!.attempts])).toEqual([
      ['sent', 1],
      ['queued', 0],
      ['queued', 0],
    ]);
  });

  it('honours the limit and lists, filters and counts resends', async () => {
    const ids = [1, 2, 3].map((n) => enqueue(db, message(n)).id);
    enqueue(db, message(4, { key: 'resend:1:1', kind: 'resend', originalId: ids[0], requestedBy: 'admin', reason: 'lost' }));
    expect(await deliverDue(deps(createTransport(null, logger)), { limit: 2 })).toMatchObject({ sent: 2 });
    expect(listMessages(db, { status: 'queued' }).map((r) => r.kind)).toEqual(['resend', 'alert']);
    expect(listMessages(db, { to: 'PERSON1@region.example' }).map((r) => r.id)).toEqual([ids[0]]);
    expect(listMessages(db, { kind: 'resend' })[0]).toMatchObject({ originalId: ids[0], requestedBy: 'admin', reason: 'lost' });
    expect(countResends(db, ids[0]!)).toBe(1);
    expect(messageJson(listMessages(db, { status: 'queued', limit: 1 })[0]!)).toMatchObject({ sentAt: null, originalId: ids[0] });
  });

  it('refuses an SMTP_URL it cannot use', () => {
    expect(() => createTransport('http://mail.example', logger)).toThrow(ConfigError);
    expect(() => createTransport('not a url', logger)).toThrow(ConfigError);
    expect(createTransport('  ', logger).name).toBe('local');
  });

  it('counts a timeout after DATA as an attempt (the server may have kept the message), so it stops at maxAttempts', async () => {
    // A server that takes the message and then never answers: the client's socket times out.
    const slow = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      disableReverseLookup: true,
      onData(stream) {
        stream.on('data', () => undefined);
      },
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = (slow.server.address() as AddressInfo).port;
    const transport = createTransport(`smtp://127.0.0.1:${port}`, logger, { pool: false, socketTimeout: 300 });
    transports.push(transport);
    try {
      const { id } = enqueue(db, message(1));
      for (let i = 0; i < 3; i++) {
        await deliverDue(deps(transport, { maxAttempts: 3 }));
        clock.advance(10 * BACKOFF);
      }
      expect(getMessage(db, id)).toMatchObject({ status: 'failed', attempts: 3 });
      expect(getMessage(db, id)!.lastError).toMatch(/timeout/i);
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('does not send queued mail to someone who unsubscribed after it was queued', async () => {
    const ids = [1, 2].map((n) => enqueue(db, message(n)).id);
    suppress(db, 'PERSON2@region.example', 'unsubscribed via link', START);
    expect(await deliverDue(deps(smtpTransport()))).toMatchObject({ sent: 1, failed: 1 });
    expect(getMessage(db, ids[1]!)).toMatchObject({ status: 'failed', lastError: 'not sent: the recipient has unsubscribed' });
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual(['person1@region.example']);
  });
});
