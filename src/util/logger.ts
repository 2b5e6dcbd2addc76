/** Structured logging (pino) to stderr, so stdout stays clean for JSON output. */
import { pino, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/**
 * A logger writing to stderr; level from LOG_LEVEL (default info). JSON lines with stable
 * field names, or readable lines when a person is watching (stderr is a terminal and
 * LOG_FORMAT is not "json"; LOG_FORMAT=pretty forces them).
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const options = { name: 'driftkoll', level: env.LOG_LEVEL || 'info', base: undefined };
  const readable = env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT !== 'json' && process.stderr.isTTY === true);
  if (readable) {
    // Loaded only when a person watches: scripts and CI keep the lighter JSON path.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(
      options,
      pretty({
        destination: 2,
        sync: true,
        colorize: process.stderr.isTTY === true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'name',
        singleLine: true,
      }),
    );
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
