/**
 * SMTP misbehaving in every way at once: down for a while, 421 and 451, a connection
 * dropped in the middle of a message, 550 for one recipient. What can be delivered
 * arrives once the server lets it; the refused one fails with its reason; nothing else
 * stops. (Each fault alone is also in test/mail/deliver.test.ts: down, 550, 451.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/domain/message.js';
import { buildHeaders, deliverDue, makeMessageId, type DeliverDeps } from '../../src/mail/deliver.js';
import { createTransport, type Transport } from '../../src/mail/transport.js';
import { openDb, type Db } from '../../src/store/db.js';
import { enqueue, getMessage } from '../../src/store/outbox.repo.js';
import { silentLogger } from '../../src/util/logger.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const START = Date.parse('2026-11-24T08:30:00.000Z');
const BACKOFF = 60_000;

function message(n: number): NewMessage {
  const to = `person${n}@region.example`;
  const key = `alert:${to}:1`;
  return {
    key,
    kind: 'alert',
    to,
    from: 'driftkoll@region.example',
    replyTo: null,
    subject: `Störning ${n}`,
    html: `<p>${n}</p>`,
    text: `${n} ${'x'.repeat(20_000)}`, // long enough that a drop lands mid-body
    headers: buildHeaders({ unsubscribeHttps: 'https://d.example/avsluta/x', unsubscribeMailto: 'mailto:u@region.example', kind: 'alert' }),
    messageId: makeMessageId(key, 'driftkoll.example'),
    template: 'alert',
    data: {},
    createdAt: new Date(START).toISOString(),
  };
}

describe('SMTP faults', () => {
  let dir: string;
  let db: Db;
  let smtp: TestSmtp;
  let t = START;
  const transports: Transport[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftkoll-smtp-faults-'));
    db = openDb(join(dir, 'test.db'));
    smtp = await startSmtp();
    t = START;
  });
  afterEach(async () => {
    for (const tr of transports.splice(0)) await tr.close();
    await smtp.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = (): DeliverDeps => {
    // A fresh transport per run, as each CLI run or scheduler tick has.
    const transport = createTransport(smtp.url, silentLogger(), { socketTimeout: 2000, connectionTimeout: 2000 });
    transports.push(transport);
    return {
      db,
      transport,
      clock: { now: () => new Date(t) },
      logger: silentLogger(),
      maxAttempts: 8,
      backoffMs: BACKOFF,
      sender: { name: 'Driftkoll', address: 'driftkoll@region.example' },
      random: () => 0,
    };
  };

  it('421 is a server going away: nothing is used up, and the message goes once the server is back', async () => {
    const id = enqueue(db, message(1)).id;
    smtp.replyNext(1, 421, '4.3.2 service shutting down');
    expect(await deliverDue(deps())).toMatchObject({ sent: 0, failed: 0 });
    expect(getMessage(db, id)).toMatchObject({ status: 'queued', attempts: 0, lastError: expect.stringMatching(/unavailable \(421\)/) });
    t += BACKOFF;
    expect(await deliverDue(deps())).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it('a connection dropped mid-message is retried and the message arrives once', async () => {
    const id = enqueue(db, message(1)).id;
    smtp.dropNext(1);
    const first = await deliverDue(deps());
    expect(first.sent).toBe(0);
    expect(getMessage(db, id)!.status).toBe('queued');
    expect(getMessage(db, id)!.lastError).toBeTruthy();
    t += 10 * BACKOFF;
    expect(await deliverDue(deps())).toMatchObject({ sent: 1 });
    expect(smtp.received.map((m) => m.envelope.to[0])).toEqual(['person1@region.example']);
  });

  it('down, 421, 451, a drop and a 550 together: all deliverable mail arrives exactly once, the refused one fails with its reason', async () => {
    const ids = [1, 2, 3, 4, 5, 6].map((n) => enqueue(db, message(n)).id);
    smtp.rejectRecipient('person4@region.example');
    await smtp.stop();
    for (let i = 0; i < 5; i++) {
      await deliverDue(deps());
      t += BACKOFF;
    }
    expect(ids.map((id) => getMessage(db, id)!.status)).toEqual(Array(6).fill('queued'));
    await smtp.start();
    smtp.replyNext(1, 421, '4.3.2 too busy');
    smtp.deferNext(2);
    smtp.dropNext(1);
    for (let run = 0; run < 20 && ids.some((id) => getMessage(db, id)!.status === 'queued'); run++) {
      await deliverDue(deps());
      t += 4 * BACKOFF;
    }
    const rows = ids.map((id) => getMessage(db, id)!);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'failed', 'sent', 'sent']);
    expect(rows[3]!.lastError).toMatch(/550|user unknown/);
    const counts = new Map<string, number>();
    for (const m of smtp.received) counts.set(m.envelope.to[0]!, (counts.get(m.envelope.to[0]!) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      'person1@region.example': 1,
      'person2@region.example': 1,
      'person3@region.example': 1,
      'person5@region.example': 1,
      'person6@region.example': 1,
    });
    expect(smtp.deferred).toBe(2);
  });
});
