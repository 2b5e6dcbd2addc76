/** Structured logging (pino) to stderr, so stdout stays clean for JSON output. */
import type * as Pino from 'pino';
import type { Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

const require = createRequire(import.meta.url);

/**
 * A logger built on first use: pino and its streams cost ~0.1 s to load, which a command
 * that logs nothing (a read-only `events --json`) need not pay.
 */
function lazy(build: () => Logger): Logger {
  let real: Logger | undefined;
  return new Proxy({} as Logger, {
    get: (_target, key) => {
      real ??= build();
      const value = Reflect.get(real, key, real) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
    },
    set: (_target, key, value) => Reflect.set((real ??= build()), key, value),
  });
}

export type { Logger };

/**
 * A logger writing to stderr; level from LOG_LEVEL (default info). JSON lines with stable
 * field names, or readable lines when a person is watching (stderr is a terminal and
 * LOG_FORMAT is not "json"; LOG_FORMAT=pretty forces them).
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return lazy(() => buildLogger(env));
}

function buildLogger(env: NodeJS.ProcessEnv): Logger {
  const { pino } = require('pino') as typeof Pino;
  const options = { name: 'driftkoll', level: env.LOG_LEVEL || 'info', base: undefined };
  const readable = env.LOG_FORMAT === 'pretty' || (env.LOG_FORMAT !== 'json' && process.stderr.isTTY === true);
  if (readable) {
    // Loaded only when a person watches: scripts and CI keep the lighter JSON path.
    const pretty = require('pino-pretty') as typeof PinoPretty;
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
  return lazy(() => (require('pino') as typeof Pino).pino({ level: 'silent' }));
}
