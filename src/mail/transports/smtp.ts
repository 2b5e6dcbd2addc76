/** The SMTP transport (nodemailer, pooled), with nodemailer's errors mapped to SmtpError. */
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type * as MimeFuncs from 'nodemailer/lib/mime-funcs';
import type { NodemailerError, SMTPPoolOptions } from 'nodemailer';
import { SmtpError } from '../../domain/errors.js';
import type { Logger } from '../../util/logger.js';
import { SmtpConnectionError, type OutgoingMail, type SendResult, type Transport, type TransportOptions } from './types.js';

/**
 * Codes that mean the server could not be reached at all, before any message was handed
 * over: such a failure uses up no attempt (see deliver.ts), however long the outage.
 */
const UNREACHABLE_CODES = new Set([
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROXY',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Timeouts while connecting; a SOCKET_TIMEOUT may come after DATA, when the server may have kept the message. */
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);

/** Sends through the server in `url` (smtp:// or smtps://, credentials and query options allowed). */
export function createSmtpTransport(url: URL, logger: Logger, options: TransportOptions = {}): Transport {
  const connectionTimeout = options.connectionTimeout ?? 10_000;
  const config: SMTPPoolOptions = {
    url: url.href,
    pool: options.pool ?? true,
    connectionTimeout,
    greetingTimeout: connectionTimeout,
    // Generous beside the connect timeouts: a slow answer after DATA would otherwise be a
    // "failure" for a message the server kept, and the retry a duplicate.
    socketTimeout: options.socketTimeout ?? 30_000,
    // Mail bodies come from templates with scraped text; never let them pull files or URLs in.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
  // nodemailer (~100 modules) is loaded by the first message: a run with nothing to send never pays for it.
  let mailer: ReturnType<typeof Nodemailer.createTransport> | undefined;
  const connect = () => (mailer ??= (createRequire(import.meta.url)('nodemailer') as typeof Nodemailer).createTransport(config));
  logger.debug({ host: url.hostname, port: url.port, pool: config.pool }, 'SMTP transport created');
  return {
    name: 'smtp',
    async send(msg: OutgoingMail): Promise<SendResult> {
      try {
        const info = await connect().sendMail({
          from: msg.from,
          to: msg.to,
          replyTo: msg.replyTo ?? undefined,
          subject: encodeSubject(msg.subject),
          text: msg.text,
          html: msg.html,
          messageId: msg.messageId,
          headers: msg.headers,
        });
        return { accepted: info.accepted.length > 0 && info.rejected.length === 0, response: info.response };
      } catch (err) {
        throw toSmtpError(err);
      }
    },
    close(): Promise<void> {
      mailer?.close();
      return Promise.resolve();
    },
  };
}

/**
 * The subject as RFC 2047 encoded words, always. A scraped title may itself look like an
 * encoded word (`=?UTF-8?B?…?=`); sent as is, mail clients would decode it into text the
 * source chose (a fake "Bcc:" line). Encoded by us, it decodes once, to the literal text.
 */
export function encodeSubject(subject: string): string {
  const { encodeWord } = createRequire(import.meta.url)('nodemailer/lib/mime-funcs') as typeof MimeFuncs;
  return encodeWord(subject.replace(/[\r\n]+/g, ' '), 'B', 52);
}

/**
 * Classifies a nodemailer failure: server unreachable while connecting, 421 or bad
 * credentials → SmtpConnectionError; other 4xx, and a connection lost or timed out in the
 * middle of a session (the server may have kept the message) → temporary, counted;
 * 5xx → permanent (except 503, a session state error that a new connection clears);
 * anything unknown → temporary.
 */
export function toSmtpError(err: unknown): SmtpError {
  if (err instanceof SmtpError) return err;
  const e = (err ?? {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = e.responseCode;
  const response = (e.response ?? e.message ?? String(err)).trim();
  const timeoutType = (err as { timeoutType?: string } | null)?.timeoutType;
  const unreachable =
    (code !== undefined && (UNREACHABLE_CODES.has(code) || UNREACHABLE_CODES.has(e.originalCode ?? ''))) ||
    (code === 'ETIMEDOUT' && timeoutType !== undefined && SETUP_TIMEOUTS.has(timeoutType));
  if (reply === 421 || (reply === undefined && unreachable)) {
    const auth = code !== undefined && AUTH_CODES.has(code);
    return new SmtpConnectionError(`SMTP server unavailable (${reply ?? e.originalCode ?? code})`, {
      cause: err,
      hint: auth ? 'check the credentials in SMTP_URL' : 'check SMTP_URL and that the SMTP server is running',
    });
  }
  if (reply !== undefined && reply >= 500 && reply < 600 && reply !== 503) {
    return new SmtpError(`SMTP server refused the message: ${response}`, {
      cause: err,
      temporary: false,
      hint: 'the server will not take this message; check the recipient address',
    });
  }
  if (reply !== undefined) {
    return new SmtpError(`SMTP server deferred the message: ${response}`, {
      cause: err,
      temporary: true,
      hint: 'the server asked to try later; it is retried with backoff',
    });
  }
  if (code === 'EENVELOPE') {
    return new SmtpError(`message has no valid envelope: ${response}`, {
      cause: err,
      temporary: false,
      hint: 'check the recipient and sender addresses',
    });
  }
  return new SmtpError(`sending failed: ${response}`, { cause: err, temporary: true, hint: 'retried with backoff' });
}
