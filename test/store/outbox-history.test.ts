/** Migration 0005: every status an outbox message passes through is recorded, with the time the row gives. */
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/domain/message.js';
import { claimDue, enqueue, listOutboxHistory, markFailed, markRetry, markSent, requeueStuck } from '../../src/store/outbox.repo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

function message(key: string, at: string): NewMessage {
  return {
    key,
    kind: 'alert',
    to: 'a@regionuppsala.example',
    from: 'driftkoll@regionuppsala.example',
    replyTo: null,
    subject: key,
    html: '<p>x</p>',
    text: 'x',
    headers: {},
    messageId: `<${key}@regionuppsala.example>`,
    template: 'alert',
    data: {},
    createdAt: at,
  };
}

describe('outbox status history', () => {
  let app: TestApp;
  afterEach(() => app.close());

  it('records queued, each claim, a retry with its error and due time, and the final send', () => {
    app = createTestApp({});
    const { id } = enqueue(app.db, message('k1', '2026-11-24T08:00:00.000Z'));
    claimDue(app.db, '2026-11-24T08:00:05.000Z', 1);
    markRetry(app.db, id, '451 try later', '2026-11-24T08:01:05.000Z');
    claimDue(app.db, '2026-11-24T08:01:10.000Z', 1);
    markSent(app.db, id, '2026-11-24T08:01:11.000Z', 'smtp');
    expect(listOutboxHistory(app.db, id)).toEqual([
      { status: 'queued', at: '2026-11-24T08:00:00.000Z', attempts: 0, error: null },
      { status: 'sending', at: '2026-11-24T08:00:05.000Z', attempts: 0, error: null },
      { status: 'queued', at: '2026-11-24T08:01:05.000Z', attempts: 1, error: '451 try later' },
      { status: 'sending', at: '2026-11-24T08:01:10.000Z', attempts: 1, error: null },
      { status: 'sent', at: '2026-11-24T08:01:11.000Z', attempts: 2, error: null },
    ]);
  });

  it('records a final failure and a crashed run returned to the queue; an unchanged status adds nothing', () => {
    app = createTestApp({});
    const a = enqueue(app.db, message('a', '2026-11-24T08:00:00.000Z')).id;
    const b = enqueue(app.db, message('b', '2026-11-24T08:00:00.000Z')).id;
    claimDue(app.db, '2026-11-24T08:00:05.000Z', 2);
    markFailed(app.db, a, '550 no such user', '2026-11-24T08:00:06.000Z');
    expect(requeueStuck(app.db)).toBe(1);
    app.db.prepare('UPDATE outbox SET subject = ? WHERE id = ?').run('edited', b);
    expect(listOutboxHistory(app.db, a).map((h) => [h.status, h.error])).toEqual([
      ['queued', null],
      ['sending', null],
      ['failed', '550 no such user'],
    ]);
    expect(listOutboxHistory(app.db, b).map((h) => h.status)).toEqual(['queued', 'sending', 'queued']);
  });
});
