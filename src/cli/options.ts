import { InvalidArgumentError } from 'commander';

/** Options every command accepts. */
export interface GlobalOptions {
  /** --config FILE */
  config?: string;
}

/** commander's parser for a whole number ≥ 1 (`--limit 20`): anything else is a usage error (exit 2, one line). */
export function wholeNumber(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of 1 or more.');
  }
  return n;
}
