/**
 * Mail transports behind one tiny interface. No SMTP_URL → `local` (mail stays in the
 * outbox, readable with `driftkoll outbox`); otherwise the URL's scheme picks the transport. A new transport
 * is one file in ./transports and one line in TRANSPORTS.
 */
import { ConfigError } from '../domain/errors.js';
import type { Logger } from '../util/logger.js';
import { createLocalTransport } from './transports/local.js';
import { createSmtpTransport } from './transports/smtp.js';
import type { Transport, TransportFactory, TransportOptions } from './transports/types.js';

export type { OutgoingMail, SendResult, Transport, TransportOptions } from './transports/types.js';
export { SmtpConnectionError } from './transports/types.js';

const TRANSPORTS: Record<string, TransportFactory> = {
  'smtp:': createSmtpTransport,
  'smtps:': createSmtpTransport,
};

/** The transport for SMTP_URL (null or blank → local); throws ConfigError for an unusable URL. */
export function createTransport(smtpUrl: string | null, logger: Logger, options: TransportOptions = {}): Transport {
  if (smtpUrl === null || smtpUrl.trim() === '') return createLocalTransport(logger);
  let url: URL;
  try {
    url = new URL(smtpUrl.trim());
  } catch (err) {
    throw new ConfigError('SMTP_URL is not a URL', { cause: err, hint: 'use e.g. smtp://127.0.0.1:2525' });
  }
  const factory = TRANSPORTS[url.protocol];
  if (!factory) {
    throw new ConfigError(`SMTP_URL scheme ${url.protocol} is not supported`, {
      hint: `use one of ${Object.keys(TRANSPORTS)
        .map((s) => `${s}//`)
        .join(', ')}, or unset it to keep mail local`,
    });
  }
  return factory(url, logger, options);
}
