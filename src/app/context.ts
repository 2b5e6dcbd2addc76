/**
 * The application context: everything a stage may need, built once per process from the
 * config file and the environment. Stages take only the parts they use (`Pick<AppContext, …>`),
 * so a test can hand them exactly those.
 */
import { loadConfig, type Config } from '../config/load.js';
import { ConfigError, UsageError } from '../domain/errors.js';
import { ADAPTER_NAMES } from '../sources/adapters/index.js';
import { Catalogue } from '../domain/services.js';
import type { Renderer } from '../mail/render.js';
import { openDb, type Db } from '../store/db.js';
import { clockFromEnv, type Clock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/logger.js';

export interface AppContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  catalogue: Catalogue;
  db: Db;
  /** Turns message data into mail; templates are compiled on first use. */
  renderer: Renderer;
}

/**
 * Every configured source names a registered adapter. Checked here, not in config/ (which
 * sits below the sources stage), so a typo stops the start instead of failing every poll.
 */
export function checkAdapters(config: Config): Config {
  for (const [i, s] of config.sources.entries()) {
    if (!ADAPTER_NAMES.includes(s.adapter)) {
      throw new ConfigError(`${config.origin}: sources.${i}.adapter: unknown adapter "${s.adapter}"; known: ${ADAPTER_NAMES.join(', ')}`);
    }
  }
  return config;
}

/** Config, clock, logger and catalogue, without a database: for commands that need none. */
export function baseContext(opts: { config?: string }): Pick<AppContext, 'config' | 'clock' | 'logger' | 'catalogue'> {
  const config = checkAdapters(loadConfig({ file: opts.config }));
  let clock: Clock;
  try {
    clock = clockFromEnv(process.env);
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  return { config, clock, logger: createLogger(), catalogue: Catalogue.load() };
}

/** A renderer whose module (templates, views, Handlebars) loads on the first render: read-only commands never pay for it. */
function lazyRenderer(): Renderer {
  let real: Promise<Renderer> | undefined;
  return {
    async render(data, ctx) {
      real ??= import('../mail/render.js').then((m) => m.createRenderer());
      return (await real).render(data, ctx);
    },
  };
}

/** The whole context, with the database opened (created if needed) and migrated. */
export function openContext(opts: { config?: string }): AppContext {
  const base = baseContext(opts);
  return { ...base, db: openDb(base.config.databasePath), renderer: lazyRenderer() };
}

/**
 * The whole context for commands that only look: the database must already exist, and no
 * folder or empty database is created when it does not (the error names the path).
 */
export function openExistingContext(opts: { config?: string }): AppContext {
  const base = baseContext(opts);
  return { ...base, db: openDb(base.config.databasePath, { mustExist: true }), renderer: lazyRenderer() };
}
