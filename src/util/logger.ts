/** Structured logging (pino) to stderr, so stdout stays clean for JSON output. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A logger writing JSON lines to stderr; level from LOG_LEVEL (default info). */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino(
    { name: 'driftkoll', level: env.LOG_LEVEL ?? 'info', base: undefined },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
