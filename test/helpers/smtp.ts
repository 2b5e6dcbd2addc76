/**
 * A real SMTP server on loopback that keeps what it receives, parsed with mailparser, and
 * can misbehave on demand: refuse a recipient (550), defer messages (451), or go away and
 * come back on the same port.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One accepted message: the SMTP envelope, the raw source and mailparser's reading of it. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

/** The running server and its switches. */
export interface TestSmtp {
  port: number;
  /** smtp://127.0.0.1:<port> */
  url: string;
  /** Every message accepted, in order. */
  received: ReceivedMail[];
  /** Answer 550 to RCPT TO for this address from now on. */
  rejectRecipient(address: string): void;
  /** Answer 451 to the next `count` messages (after their data). */
  deferNext(count: number): void;
  /** How many messages were answered 451 so far. */
  deferred: number;
  /** Answer the next `count` messages (after their data) with this code, e.g. 421. */
  replyNext(count: number, code: number, text: string): void;
  /** Cut the connection in the middle of the next `count` messages' data, without an answer. */
  dropNext(count: number): void;
  /** Wait this long before answering each message's data ("a slow server"). */
  delayMs: number;
  /** Connection errors the server saw (a client that vanished mid-session). */
  connectionErrors: string[];
  /** Stop listening and drop open connections: "SMTP down". */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function smtpError(message: string, code: number): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startSmtp(): Promise<TestSmtp> {
  const rejected = new Set<string>();
  let deferCount = 0;
  let reply: { count: number; code: number; text: string } = { count: 0, code: 0, text: '' };
  let dropCount = 0;
  let server: SMTPServer | null = null;

  const api: TestSmtp = {
    port: 0,
    url: '',
    received: [],
    deferred: 0,
    rejectRecipient: (address) => void rejected.add(address.toLowerCase()),
    deferNext: (count) => {
      deferCount = count;
    },
    replyNext: (count, code, text) => {
      reply = { count, code, text };
    },
    dropNext: (count) => {
      dropCount = count;
    },
    delayMs: 0,
    connectionErrors: [],
    stop,
    start,
    close: stop,
  };

  function create(): SMTPServer {
    return new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      closeTimeout: 20,
      // Loopback only: no DNS in tests. (smtp-server still waits 100 ms before each greeting.)
      disableReverseLookup: true,
      onRcptTo(address, _session, callback) {
        if (rejected.has(address.address.toLowerCase())) {
          callback(smtpError(`5.1.1 <${address.address}>: user unknown`, 550));
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        if (dropCount > 0) {
          dropCount--;
          // Mid-message: the client has sent DATA and part of the body, and hears nothing back.
          stream.once('data', () => {
            const socket = (server?.connections ? [...server.connections] : []).find((c) => c.session?.id === session.id);
            (socket as unknown as { _socket?: { destroy(): void } } | undefined)?._socket?.destroy();
          });
          stream.resume();
          return;
        }
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => void setTimeout(finish, api.delayMs));
        const finish = () => {
          if (reply.count > 0) {
            reply.count--;
            callback(smtpError(reply.text, reply.code));
            return;
          }
          if (deferCount > 0) {
            deferCount--;
            api.deferred++;
            callback(smtpError('4.7.1 try again later', 451));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              api.received.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                raw: raw.toString('utf8'),
                parsed,
              });
              callback();
            },
            (err: unknown) => callback(smtpError(`could not parse the message: ${String(err)}`, 554)),
          );
        };
      },
    });
  }

  function start(): Promise<void> {
    const s = create();
    // A client killed mid-session resets its connection (the crash tests do that on purpose):
    // smtp-server reports it as an 'error' event, which must not become an uncaught exception.
    s.on('error', (err: Error) => api.connectionErrors.push(err.message));
    server = s;
    return new Promise((resolve, reject) => {
      s.server.once('error', reject);
      s.listen(api.port, '127.0.0.1', () => {
        api.port = (s.server.address() as AddressInfo).port;
        api.url = `smtp://127.0.0.1:${api.port}`;
        resolve();
      });
    });
  }

  function stop(): Promise<void> {
    const s = server;
    server = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      for (const connection of s.connections) connection.close();
    });
  }

  await start();
  return api;
}
