#!/usr/bin/env node
/**
 * Build step after tsc: compiles the MJML mail layout to HTML (dist/templates/message.html)
 * and the service catalogue YAML to JSON (dist/defaults/services.json), so neither MJML nor
 * a YAML parse is paid when a command starts.
 * Usage: node scripts/build-assets.mjs [--templates DIR] [--catalogue FILE] [--out DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    templates: { type: 'string', default: join(root, 'templates') },
    catalogue: { type: 'string', default: join(root, 'defaults', 'services.yaml') },
    out: { type: 'string', default: join(root, 'dist') },
  },
});

try {
  const { compileMjml } = await import('../dist/mail/compile-mjml.js');
  const { readCatalogueYaml } = await import('../dist/domain/services.js');
  const templates = resolve(values.templates);
  const html = await compileMjml(join(templates, 'message.mjml'), templates);
  await mkdir(join(values.out, 'templates'), { recursive: true });
  await writeFile(join(values.out, 'templates', 'message.html'), html);
  const services = readCatalogueYaml(resolve(values.catalogue));
  await mkdir(join(values.out, 'defaults'), { recursive: true });
  await writeFile(join(values.out, 'defaults', 'services.json'), `${JSON.stringify({ services }, null, 1)}\n`);
} catch (err) {
  // One readable line (the message names the file), then the cause for whoever fixes it.
  process.stderr.write(`build-assets: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && err.cause)
    process.stderr.write(`  cause: ${String(err.cause instanceof Error ? err.cause.message : err.cause)}\n`);
  process.exitCode = 1;
}
