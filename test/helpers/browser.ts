/**
 * Debian chromium for browser tests, driven by playwright-core. Without it the browser
 * tests are skipped with one line saying how to get it, except under CI (CI set), where
 * a missing browser must fail the run rather than pass it quietly.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** True when chromium is there; otherwise prints why the browser tests are skipped (and throws under CI). */
export function hasBrowser(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
  console.warn(`browser tests skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
  return false;
}

/** Launches headless chromium with the flags every browser test uses. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
