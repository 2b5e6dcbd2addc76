/** The `local` transport: with no SMTP_URL, mail stays in the outbox table, where its HTML and text can be read. */
import type { Logger } from '../../util/logger.js';
import type { OutgoingMail, SendResult, Transport } from './types.js';

/** Accepts every message at once; the outbox row (with its HTML and text) is the delivery. */
export function createLocalTransport(logger: Logger): Transport {
  return {
    name: 'local',
    send(msg: OutgoingMail): Promise<SendResult> {
      logger.debug({ messageId: msg.messageId, to: msg.to }, 'mail kept in the local outbox (no SMTP_URL)');
      return Promise.resolve({ accepted: true, response: 'kept in the local outbox' });
    },
    close: () => Promise.resolve(),
  };
}
