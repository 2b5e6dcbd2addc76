/** Locates files shipped with the package (defaults/, db/, templates/) from src/ or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding driftkoll's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('driftkoll package root not found');
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** Absolute path of a file shipped with the package. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
