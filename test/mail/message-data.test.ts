/** A stored message's data is read back through the schema: an older row re-renders, a broken one fails clearly. */
import { describe, expect, it } from 'vitest';
import { createRenderer } from '../../src/mail/render.js';
import { readMessageData } from '../../src/mail/types.js';
import * as f from './fixtures.js';

const renderer = createRenderer();
/** As the outbox keeps it: JSON text, here with whole event rows as an earlier version stored them. */
const stored = (data: object): unknown => JSON.parse(JSON.stringify(data));

describe('readMessageData', () => {
  it.each([
    ['digest', f.digestFull],
    ['alert', f.alertSeveral],
    ['reminder', f.reminder],
  ])('reads a stored %s back and renders it as the original', async (_, data) => {
    const back = readMessageData(stored(data), 7);
    expect(await renderer.render(back, f.ctx)).toEqual(await renderer.render(data, f.ctx));
    // Fields mail does not use (an earlier version stored whole event rows) are dropped.
    expect(JSON.stringify(back)).not.toContain('missingPolls');
  });

  it('names the message and the field when a row cannot be read', () => {
    const broken = stored(f.alertOne) as { items: { event: { start: unknown } }[] };
    broken.items[0]!.event.start = 'någon gång';
    expect(() => readMessageData(broken, 42)).toThrow(/outbox message 42 .*items\.0\.event\.start: an ISO time/);
    expect(() => readMessageData({ template: 'newsletter', to: 'a@b.example' }, 43)).toThrow(/outbox message 43/);
  });
});
