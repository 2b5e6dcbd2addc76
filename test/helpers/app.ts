/** A real app context on a temporary SQLite file with the real migrations and a controllable clock. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../src/config/load.js';
import { Catalogue } from '../../src/domain/services.js';
import { openDb, type Db } from '../../src/store/db.js';
import type { Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(iso: string): TestClock {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (s) => {
      t = new Date(s).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface TestApp {
  dir: string;
  config: Config;
  db: Db;
  clock: TestClock;
  catalogue: Catalogue;
  logger: ReturnType<typeof silentLogger>;
  close(): void;
}

/** Writes `file` as driftkoll.yaml in a fresh temp dir and opens everything on it. */
export function createTestApp(file: Record<string, unknown>, now = '2026-11-24T09:30:00+01:00'): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'driftkoll-test-'));
  const configPath = join(dir, 'driftkoll.yaml');
  writeFileSync(configPath, stringify({ database: 'test.db', ...file }));
  const config = loadConfig({ file: configPath, env: {}, cwd: dir });
  const db = openDb(config.databasePath);
  return {
    dir,
    config,
    db,
    clock: testClock(now),
    catalogue: Catalogue.load(),
    logger: silentLogger(),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
