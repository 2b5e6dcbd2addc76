/** The tiny interface every mail transport implements; register new ones in ../transport.ts. */
import type { Logger } from '../../util/logger.js';
import { SmtpError } from '../../domain/errors.js';

/** A message as handed to a transport, built from one outbox row. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** Sent as the Message-ID header exactly as stored (with angle brackets). */
  messageId: string;
  /** Extra headers passed through unchanged (List-Unsubscribe, Auto-Submitted, X-Driftkoll-Kind, …). */
  headers: Record<string, string>;
}

/** What a transport reports for an accepted (or silently refused) message. */
export interface SendResult {
  accepted: boolean;
  /** The server's reply line, for logs. */
  response?: string;
}

/**
 * A way out for mail. `send` rejects with an SmtpError: `temporary` says whether a retry
 * may succeed, an SmtpConnectionError says the server itself is unreachable.
 */
export interface Transport {
  /** Stored in outbox.transport for every message it delivers. */
  name: string;
  send(msg: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/** Builds a transport from its parsed SMTP_URL; one per URL scheme in the registry. */
export type TransportFactory = (url: URL, logger: Logger, options: TransportOptions) => Transport;

/** Knobs for tests and tuning; production uses the defaults. */
export interface TransportOptions {
  /** Reuse connections across messages (default true). */
  pool?: boolean;
  /** Milliseconds for connecting and for the greeting (default 10 000). */
  connectionTimeout?: number;
  /** Milliseconds of socket inactivity before giving up (default 30 000). */
  socketTimeout?: number;
}

/**
 * The server could not be reached or refused the session (connection refused, DNS, TLS,
 * timeout, authentication, 421): every other message would fail the same way, so the
 * worker stops the run instead of burning their attempts. Always temporary.
 */
export class SmtpConnectionError extends SmtpError {
  constructor(message: string, options: { cause?: unknown; hint?: string }) {
    super(message, { ...options, temporary: true });
  }
}
