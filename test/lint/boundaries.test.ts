/** The layer boundaries are enforced by the linter: an import across one fails `npm run lint`. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/util/paths.js';

const eslint = new ESLint({ cwd: packagePath() });

async function importErrors(file: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: packagePath(file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ['src/domain/new.ts', '../store/db.js'],
    ['src/domain/new.ts', '../sources/refresh.js'],
    ['src/domain/new.ts', '../notify/alerts.js'],
    ['src/domain/new.ts', '../mail/render.js'],
    ['src/domain/new.ts', '../web/server.js'],
    ['src/domain/new.ts', '../cli/main.js'],
    ['src/store/new.ts', '../sources/refresh.js'],
    ['src/store/new.ts', '../notify/alerts.js'],
    ['src/store/new.ts', '../app/context.js'],
    ['src/mail/transports/new.ts', '../../web/server.js'],
    ['src/mail/new.ts', '../cli/commands/serve.js'],
    ['src/notify/new.ts', '../web/pages.js'],
    ['src/notify/new.ts', '../cli/options.js'],
    ['src/web/new.ts', '../cli/options.js'],
    ['src/util/new.ts', '../domain/event.js'],
  ])('%s may not import %s', async (file, from) => {
    expect(await importErrors(file, from)).toHaveLength(1);
  });

  it.each([
    ['src/store/new.ts', '../domain/event.js'],
    ['src/notify/new.ts', '../mail/types.js'],
    ['src/web/new.ts', '../store/events.repo.js'],
    ['src/cli/commands/new.ts', '../../web/server.js'],
    ['src/sources/adapters/new.ts', '../../domain/status-words.js'],
  ])('%s may import %s', async (file, from) => {
    expect(await importErrors(file, from)).toEqual([]);
  });
});
