/** What every CLI command needs, built once from the config file and environment. */
import { loadConfig, type Config } from '../config/load.js';
import { Catalogue } from '../domain/services.js';
import { openDb, type Db } from '../store/db.js';
import { clockFromEnv, type Clock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/logger.js';
import { UsageError } from '../domain/errors.js';

export interface AppContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  catalogue: Catalogue;
  db: Db;
}

export interface GlobalOptions {
  config?: string;
}

/** Config, clock, logger and catalogue, without a database. */
export function baseContext(opts: GlobalOptions): Omit<AppContext, 'db'> {
  const config = loadConfig({ file: opts.config });
  let clock: Clock;
  try {
    clock = clockFromEnv(process.env);
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  return { config, clock, logger: createLogger(), catalogue: Catalogue.load() };
}

/** The full context, with the database opened and migrated. */
export function openContext(opts: GlobalOptions): AppContext {
  const base = baseContext(opts);
  return { ...base, db: openDb(base.config.databasePath) };
}
