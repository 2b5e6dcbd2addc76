/** Finds, reads and validates the configuration, then applies environment overrides and defaults. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import type { YAMLError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import type { Kind } from '../domain/types.js';
import { packagePath } from '../util/paths.js';
import { VERSION } from '../version.js';
import type * as Schema from './schema.js';
import type { ConfigFile } from './schema.js';

/**
 * The YAML parser and the zod schema (~0.13 s of module loading) are loaded only when a
 * config file is read; without one, a command starts on the built-in defaults without them.
 * The schema is an ES module: require() of it needs Node 20.19 or later.
 */
const require = createRequire(import.meta.url);

function schemaModule(): typeof Schema {
  try {
    return require('./schema.js') as typeof Schema;
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    // Run from the TypeScript sources (the tests): require() cannot load .ts, so take the built copy.
    return require(packagePath('dist', 'config', 'schema.js')) as typeof Schema;
  }
}

export interface SourceConfig {
  id: string;
  adapter: string;
  url: string;
  intervalMs: number;
  selectors?: { item?: string; title?: string; badge?: string };
  defaultKind?: Kind;
  trustGuid?: boolean;
  emptyTexts?: string[];
  /** Who publishes the source, as readers see it: from config, else "Inera" for Inera's pages, else the host. */
  name: string;
}

export interface Config {
  /** Where the configuration came from, for messages ("built-in defaults" or a path). */
  origin: string;
  sources: SourceConfig[];
  /** Admin addresses (lower-cased): console logins and source-health notices. */
  admins: string[];
  /** The directory YAML named in the config file; `serve` imports it at start. Null when none is configured. */
  directoryPath: string | null;
  databasePath: string;
  baseUrl: string;
  port: number;
  smtpUrl: string | null;
  http: { timeoutMs: number; maxBytes: number; retries: number; backoffMs: number; userAgent: string };
  polling: { vanishAfter: number; jitterMs: number };
  schedules: { digest: string; weeklyDigest: string; reminderLeadHours: number; sendEmptyDigests: boolean };
  sender: { name: string; address: string; replyTo: string };
  delivery: { maxAttempts: number; backoffMs: number };
}

/** The three Inera pages, at their real addresses. */
export const DEFAULT_SOURCES: ReadonlyArray<Omit<SourceConfig, 'intervalMs' | 'name'>> = [
  { id: 'inera-driftstatus', adapter: 'inera-driftstatus', url: 'https://www.inera.se/driftstatus/' },
  {
    id: 'inera-kommande-atgarder',
    adapter: 'inera-kommande-atgarder',
    url: 'https://www.inera.se/driftstatus/kommande-atgarder/',
  },
  {
    id: 'inera-planeringskalendern',
    adapter: 'inera-planeringskalendern',
    url: 'https://www.inera.se/aktuellt/planeringskalendern/',
  },
];

/** How often a source is polled when the config does not say. */
export const DEFAULT_INTERVAL_MS = 5 * 60_000;

/** A source's polling interval; a source no longer configured is judged by the default. */
export function intervalOf(config: Pick<Config, 'sources'>, sourceId: string): number {
  return config.sources.find((s) => s.id === sourceId)?.intervalMs ?? DEFAULT_INTERVAL_MS;
}

/** The publisher readers see for a source without a configured name: Inera for its pages, else the host. */
function publisherOf(adapter: string, url: string): string {
  if (adapter.startsWith('inera-')) return 'Inera';
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** Chooses the config file: --config, else DRIFTKOLL_CONFIG, else ./driftkoll.yaml, else none. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (explicit) return resolve(cwd, explicit);
  if (env.DRIFTKOLL_CONFIG) return resolve(cwd, env.DRIFTKOLL_CONFIG);
  const local = resolve(cwd, 'driftkoll.yaml');
  return existsSync(local) ? local : null;
}

/** Loads and validates the configuration; throws ConfigError naming the file, field and problem. */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const path = findConfigFile(options.file, env, cwd);
  let file: ConfigFile = {};
  if (path) file = readConfigFile(path);
  return resolveConfig(file, { origin: path ?? 'built-in defaults', baseDir: path ? dirname(path) : cwd, env, cwd });
}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${path}: cannot read the config file`, { cause });
  }
  const { parseDocument } = require('yaml') as typeof Yaml;
  const { configSchema } = schemaModule();
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new ConfigError(`${path}: not valid YAML: ${yamlProblems(doc.errors)}`, { cause: yamlCause(doc.errors) });
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (cause) {
    // Alias bombs and similar are only detected while building the value.
    throw new ConfigError(`${path}: not valid YAML: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** YAML parse errors as "line 3, column 1: <what>", each once, joined with "; ". */
export function yamlProblems(errors: readonly YAMLError[]): string {
  return errors
    .map((e) => {
      const pos = e.linePos?.[0];
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return pos ? `line ${pos.line}, column ${pos.col}: ${message}` : message;
    })
    .join('; ');
}

/**
 * The parser's errors as a cause whose message is the one-line summary (so describeError
 * does not repeat the parser's multi-line text); the parser's first error is kept as its cause.
 */
export function yamlCause(errors: readonly YAMLError[]): Error {
  return new Error(yamlProblems(errors), { cause: errors[0] });
}

/** "sources.0.url: Invalid URL; port: …" — every problem with its path in the file. */
export function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('; ');
}

type SourceEntry = NonNullable<ConfigFile['sources']>[number];

/** The levels pino knows; LOG_LEVEL must be one of them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** LOG_FORMAT: JSON lines, or readable lines for a person. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** LOG_LEVEL and LOG_FORMAT, checked before the logger is built (pino would fail with its own words). */
function checkLogEnv(env: NodeJS.ProcessEnv): void {
  const level = env.LOG_LEVEL;
  if (level && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}: ${level}`);
  }
  const format = env.LOG_FORMAT;
  if (format && !(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`LOG_FORMAT must be json or pretty: ${format}`);
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function resolveConfig(file: ConfigFile, ctx: { origin: string; baseDir: string; env: NodeJS.ProcessEnv; cwd: string }): Config {
  const { env } = ctx;
  const intervalMs = file.polling?.interval ?? DEFAULT_INTERVAL_MS;
  const sources: SourceConfig[] = (file.sources ?? DEFAULT_SOURCES).map((s) => {
    const { interval, ...rest } = s as SourceEntry;
    return { ...rest, name: rest.name ?? publisherOf(rest.adapter, rest.url), intervalMs: interval ?? intervalMs };
  });
  const ids = new Set<string>();
  for (const [i, s] of sources.entries()) {
    if (ids.has(s.id)) throw new ConfigError(`${ctx.origin}: sources.${i}.id: duplicate source id "${s.id}"`);
    ids.add(s.id);
  }
  const port = env.PORT ? Number.parseInt(env.PORT, 10) : (file.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT is not a port number: ${env.PORT}`);
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://: ${smtpUrl}`);
  }
  checkLogEnv(env);
  const envBaseUrl = env.DRIFTKOLL_BASE_URL?.trim();
  if (envBaseUrl && !isHttpUrl(envBaseUrl)) {
    throw new ConfigError(`DRIFTKOLL_BASE_URL must be an http(s) URL such as https://driftkoll.example.se: ${envBaseUrl}`);
  }
  const baseUrl = (envBaseUrl || file.baseUrl || `http://localhost:${port}`).replace(/\/+$/, '');
  const sender = {
    name: file.sender?.name ?? 'Invånartjänster e-hälsa, Region Uppsala',
    address: file.sender?.address ?? '1177etjanster@regionuppsala.example',
    replyTo: file.sender?.replyTo ?? file.sender?.address ?? '1177etjanster@regionuppsala.example',
  };
  const contact = file.http?.contact ?? sender.replyTo;
  return {
    origin: ctx.origin,
    sources,
    admins: (file.admins ?? []).map((a) => a.toLowerCase()),
    directoryPath: file.directory ? resolve(ctx.baseDir, file.directory) : null,
    databasePath: resolve(ctx.cwd, env.DRIFTKOLL_DB?.trim() || (file.database ? resolve(ctx.baseDir, file.database) : 'data/driftkoll.db')),
    baseUrl,
    port,
    smtpUrl,
    http: {
      timeoutMs: file.http?.timeout ?? 15_000,
      maxBytes: file.http?.maxBytes ?? 5 * 1024 * 1024,
      retries: file.http?.retries ?? 2,
      backoffMs: file.http?.backoff ?? 1000,
      userAgent: `driftkoll/${VERSION} (+mailto:${contact})`,
    },
    polling: { vanishAfter: file.polling?.vanishAfter ?? 3, jitterMs: file.polling?.jitter ?? 20_000 },
    schedules: {
      digest: file.schedules?.digest ?? '30 7 * * 1-5',
      weeklyDigest: file.schedules?.weeklyDigest ?? '30 7 * * 1',
      reminderLeadHours: file.schedules?.reminderLeadHours ?? 24,
      sendEmptyDigests: file.schedules?.sendEmptyDigests ?? false,
    },
    sender,
    delivery: { maxAttempts: file.delivery?.maxAttempts ?? 5, backoffMs: file.delivery?.backoff ?? 60_000 },
  };
}
